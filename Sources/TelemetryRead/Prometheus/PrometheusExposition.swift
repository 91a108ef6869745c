import TelemetryStore

/// Every user's aggregate as Prometheus or OpenMetrics text, named and labelled as the
/// OpenTelemetry Collector's Prometheus exporter names Claude Code's metrics, so a PromQL query
/// or a Grafana board written for a Collector-fed Prometheus reads the same numbers from us.
///
/// Values are the published figures of `aggregate.json` (never reset, so ideal counters):
/// summed over `model` the token and cost series equal `totals`, summed over `tool_name` the
/// edit decisions equal `editsAccepted` / `editsRejected`.
package enum PrometheusExposition {
    /// Claude Code's `type` values of `claude_code.token.usage`, in the order written.
    static let tokenTypes = ["input", "output", "cacheRead", "cacheCreation"]

    /// `budgets`: where every budget stands today (``BudgetStatus/evaluate(_:members:today:)``);
    /// `service`: the parked area and the service's own counters, when known.
    package static func render(
        _ stored: StoredUsers, format: ExpositionFormat, budgets: [BudgetStatus] = [], service: ServiceFigures? = nil
    ) -> [UInt8] {
        var writer = ExpositionWriter(format: format, reservingCapacity: 4096 + stored.users.count * 4096)
        let active = stored.users.compactMap { user in user.view.map { (user.record.id, $0) } }
        // A user's counters start at zero when the user is created: their OpenMetrics `_created`.
        var created: [String: Double] = [:]
        for user in stored.users { created[user.record.id] = UTCTime.seconds(user.record.createdAt) }

        writer.header(.sessions)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            writer.sample(.sessions, ["user_id": id], Double(view.totals.count(.totalSessions)))
        }

        writer.header(.tokens)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for model in view.models {
                let values = [
                    model.figures.count(.totalInputTokens), model.figures.count(.totalOutputTokens),
                    model.figures.count(.totalCacheReadTokens), model.figures.count(.totalCacheCreationTokens),
                ]
                for (type, value) in zip(tokenTypes, values) {
                    writer.sample(.tokens, ["user_id": id, "model": model.name, "type": type], Double(value))
                }
            }
        }

        writer.header(.cost)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for model in view.models {
                writer.sample(.cost, ["user_id": id, "model": model.name], model.figures.amount(.totalTokenCostUsd))
            }
        }

        writer.header(.lines)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            writer.sample(.lines, ["user_id": id, "type": "added"], Double(view.totals.count(.totalLinesAdded)))
            writer.sample(.lines, ["user_id": id, "type": "removed"], Double(view.totals.count(.totalLinesRemoved)))
        }

        writer.header(.commits)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            writer.sample(.commits, ["user_id": id], Double(view.totals.count(.aiAssistedCommits)))
        }

        writer.header(.pullRequests)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            writer.sample(.pullRequests, ["user_id": id], Double(view.totals.count(.prsCreated)))
        }

        writer.header(.editDecisions)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for tool in view.tools where editTools.contains(tool.name) {
                writer.sample(
                    .editDecisions, ["user_id": id, "tool_name": tool.name, "decision": "accept"], Double(tool.figures[.accepts]))
                writer.sample(
                    .editDecisions, ["user_id": id, "tool_name": tool.name, "decision": "reject"], Double(tool.figures[.rejects]))
            }
        }

        writer.header(.activeTime)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            writer.sample(.activeTime, ["user_id": id], view.totals.raw?[.activeSeconds] ?? 0)
        }

        writer.header(.apiRequests)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for model in view.models {
                writer.sample(.apiRequests, ["user_id": id, "model": model.name], Double(model.figures.count(.apiRequests)))
            }
        }

        writer.header(.apiErrors)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for model in view.models {
                writer.sample(.apiErrors, ["user_id": id, "model": model.name], Double(model.figures.count(.apiErrors)))
            }
        }

        writer.header(.toolCalls)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for tool in view.tools {
                writer.sample(.toolCalls, ["user_id": id, "tool_name": tool.name], Double(tool.figures[.calls]))
            }
        }

        writer.header(.toolFailures)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for tool in view.tools {
                writer.sample(.toolFailures, ["user_id": id, "tool_name": tool.name], Double(tool.figures[.failures]))
            }
        }

        writer.header(.toolDecisions)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for tool in view.tools {
                writer.sample(
                    .toolDecisions, ["user_id": id, "tool_name": tool.name, "decision": "accept"], Double(tool.figures[.accepts]))
                writer.sample(
                    .toolDecisions, ["user_id": id, "tool_name": tool.name, "decision": "reject"], Double(tool.figures[.rejects]))
            }
        }

        writer.header(.events)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            for event in view.events { writer.sample(.events, ["user_id": id, "event_name": event.name], Double(event.count)) }
        }

        writer.header(.lastReceived)
        for (id, view) in active {
            writer.createdSeconds = created[id]
            if let text = view.updatedAt, let seconds = UTCTime.seconds(text) {
                writer.sample(.lastReceived, ["user_id": id], seconds)
            }
        }

        writer.createdSeconds = nil
        writer.header(.userInfo)
        for user in stored.users {
            writer.sample(.userInfo, infoLabels(user), 1)
        }

        writer.header(.users)
        writer.sample(.users, [], Double(stored.users.count + stored.unreadable.count))
        writer.header(.unreadable)
        writer.sample(.unreadable, [], Double(stored.unreadable.count))

        for (family, value) in [
            (MetricFamily.budget, \BudgetStatus.limitUsd), (.budgetSpent, \BudgetStatus.spentUsd),
            (.budgetForecast, \BudgetStatus.forecastUsd),
        ] {
            writer.header(family)
            for status in budgets { writer.sample(family, budgetLabels(status), BudgetStatus.rounded(status[keyPath: value])) }
        }

        if let service { ServiceExposition.write(service, to: &writer) }
        writer.end()
        return writer.bytes
    }

    /// `scope` and `period`, then `user_id` for a user's budget or `group_key` and `group_value`
    /// for a group's, so an alert names whose budget it is.
    static func budgetLabels(_ status: BudgetStatus) -> [(key: String, value: String)] {
        var labels: [(key: String, value: String)] = [("scope", status.scope.kind), ("period", status.period.rawValue)]
        switch status.scope {
        case .user(let user): labels.append(("user_id", user.rawValue))
        case .group(let key, let value): labels += [("group_key", key), ("group_value", value)]
        case .team: break
        }
        return labels
    }

    /// All members of a scrape as budgets see them.
    package static func budgetMembers(_ stored: StoredUsers) -> [BudgetStatus.Member] {
        stored.users.map { user in
            BudgetStatus.Member(
                userId: user.record.id, attributes: user.attributes,
                days: user.view?.days.map { ($0.day, $0.totals.amount(.totalTokenCostUsd)) } ?? [])
        }
    }

    /// The tools `claude_code.code_edit_tool.decision` reports on.
    static let editTools: Set<String> = ["Edit", "Write", "NotebookEdit", "MultiEdit"]

    /// `user_id`, `name`, and each team attribute as a label named the Collector's way
    /// (`team.id` → `team_id`), so `* on (user_id) group_left (department)` groups any series.
    static func infoLabels(_ user: StoredUser) -> [(key: String, value: String)] {
        var labels: [(key: String, value: String)] = [("user_id", user.record.id), ("name", user.record.name)]
        for key in user.attributes.keys.sorted() {
            let label = labelName(key)
            guard !labels.contains(where: { $0.key == label }) else { continue }
            labels.append((label, user.attributes[key]!))
        }
        return labels
    }

    /// An attribute key as a Prometheus label name: characters other than `[A-Za-z0-9_]` become
    /// `_`, and a leading digit gets `key_` in front (the `otlptranslator` rules).
    static func labelName(_ key: String) -> String {
        var name = String(
            String.UnicodeScalarView(
                key.unicodeScalars.map { scalar in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                        ? scalar : "_"
                }))
        if name.isEmpty || name.first!.isNumber { name = "key_" + name }
        return name
    }
}
