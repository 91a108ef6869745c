package import TelemetryDecoding

typealias LogRecord = LogsBatch.Record

/// Folds an OTLP logs export (Claude Code events) into a user's aggregate. Every record is
/// counted by event name; the known events also feed figures. Prompt text is never read.
package struct LogsAggregator: Sendable {
    package var limits: AggregationLimits

    package init(limits: AggregationLimits = AggregationLimits()) {
        self.limits = limits
    }

    package func apply(_ request: LogsBatch, to document: inout AggregateDocument, now: Timestamp) -> ApplyReport {
        var report = ApplyReport()
        for resourceLogs in request.resourceLogs {
            var resourceHash = StableHash()
            resourceHash.combine(Attributes(resourceLogs.resource.attributes).digest)
            for scopeLogs in resourceLogs.scopeLogs {
                var scopeHash = resourceHash
                scopeHash.combine(scopeLogs.scope.name)
                scopeHash.combine(scopeLogs.scope.version)
                for record in scopeLogs.logRecords {
                    apply(record, scope: scopeHash, to: &document, now: now, report: &report)
                }
            }
        }
        document.recentRecords.prune(receivedBefore: now.seconds &- min(now.seconds, limits.replayWindowSeconds))
        document.received.logRequests += 1
        document.received.logRecordsApplied += report.applied
        document.received.logRecordsRejected += report.rejected
        document.received.logRecordsDuplicate += report.duplicates
        if report.changedDocument { document.updatedAt = now.iso8601 }
        if report.changedDocument { document.captureTeamAttributes(request, limits: limits) }
        return report
    }

    private func apply(
        _ record: LogRecord, scope: StableHash, to document: inout AggregateDocument,
        now: Timestamp, report: inout ApplyReport
    ) {
        let attributes = Attributes(record.attributes)
        let name = Self.eventName(record, attributes)
        let digest = Self.digest(record, name: name, attributes: attributes, scope: scope)
        if document.recentRecords.contains(digest) {
            report.duplicates += 1
            return
        }
        let time = record.timeUnixNano != 0 ? record.timeUnixNano : record.observedTimeUnixNano
        let day = ReceiveTimeBound.day(time, receivedAt: now, zone: limits.dayZone)
        let contributions: [(Figure, Double, AggregateDocument.Target)]
        do {
            contributions = try Self.contributions(name: name, attributes: attributes, day: day)
        } catch {
            report.reject("\(name ?? "log record"): \(error.message)")
            return
        }
        let session = attributes.string("session.id")
        let seconds = ReceiveTimeBound.seconds(time, receivedAt: now)
        for (figure, amount, target) in contributions {
            var located = target
            located.session = session
            located.seconds = seconds
            document.add(figure, amount, to: located, limits: limits)
        }
        document.countEvent(name ?? "(no event name)", limits: limits)
        document.recentRecords.insert(digest, at: now.seconds)
        report.applied += 1
    }

    /// The event name without the `claude_code.` prefix, from `LogRecord.event_name`, the
    /// `event.name` attribute, or a string body of the form `claude_code.<name>`.
    static func eventName(_ record: LogRecord, _ attributes: Attributes) -> String? {
        if !record.eventName.isEmpty { return stripPrefix(record.eventName) }
        if let name = attributes.string("event.name") { return stripPrefix(name) }
        if case .string(let body) = record.body, body.hasPrefix("claude_code."), !body.contains(" ") {
            return stripPrefix(body)
        }
        return nil
    }

    private static func stripPrefix(_ name: String) -> String {
        name.hasPrefix("claude_code.") ? String(name.dropFirst("claude_code.".count)) : name
    }

    /// Identity of a record for replay detection: `request_id` for `api_request` (the same API
    /// request reported twice is one request), otherwise a digest of the whole record.
    static func digest(_ record: LogRecord, name: String?, attributes: Attributes, scope: StableHash) -> UInt64 {
        var hash = StableHash()
        if name == EventName.apiRequest, let requestID = attributes.string("request_id") {
            hash.combine("api_request")
            hash.combine(requestID)
            return hash.value
        }
        hash = scope
        hash.combine(record.timeUnixNano)
        hash.combine(record.observedTimeUnixNano)
        hash.combine(UInt64(bitPattern: Int64(record.severityNumber)))
        hash.combine(record.severityText)
        hash.combine(record.eventName)
        if record.body != .none { Attributes.combine(record.body, into: &hash) }
        hash.combine(attributes.digest)
        return hash.value
    }

    /// `cost_usd`; else `cost_usd_micros` / 10⁶; else `cost`, the name the seed
    /// specification's example uses (a leniency); absent, 0.
    static func cost(_ attributes: Attributes) throws(RejectReason) -> Double {
        if try attributes.number("cost_usd") != nil { return try attributes.amount("cost_usd") }
        if try attributes.number("cost_usd_micros") != nil { return try attributes.amount("cost_usd_micros") / 1_000_000 }
        return try attributes.amount("cost")
    }

    static func contributions(name: String?, attributes: Attributes, day: String) throws(RejectReason)
        -> [(Figure, Double, AggregateDocument.Target)]
    {
        switch name {
        case EventName.apiRequest:
            let target = AggregateDocument.Target(
                day: day, model: attributes.string("model") ?? "unknown",
                querySource: attributes.string("query_source"))
            let cost = try Self.cost(attributes)
            return [
                (.apiRequestsFromEvents, 1, target),
                (.inputTokensFromEvents, try attributes.amount("input_tokens"), target),
                (.outputTokensFromEvents, try attributes.amount("output_tokens"), target),
                (.cacheReadTokensFromEvents, try attributes.amount("cache_read_tokens"), target),
                (.cacheCreationTokensFromEvents, try attributes.amount("cache_creation_tokens"), target),
                (.costFromEvents, cost, target),
            ]
        case EventName.apiError:
            return [(.apiErrors, 1, .init(day: day, model: attributes.string("model")))]
        case EventName.toolResult:
            let target = AggregateDocument.Target(day: day, tool: attributes.string("tool_name", "tool") ?? "unknown")
            let failed = attributes.bool("success") == false
            return [(.toolCallsFromEvents, 1, target)] + (failed ? [(.toolFailures, 1, target)] : [])
        case EventName.toolDecision:
            let tool = attributes.string("tool_name", "tool") ?? "unknown"
            let target = AggregateDocument.Target(day: day, tool: tool, countsInTotals: EditTools.covers(tool))
            switch attributes.string("decision") {
            case "accept": return [(.editsAcceptedFromEvents, 1, target)]
            case "reject": return [(.editsRejectedFromEvents, 1, target)]
            default: return []
            }
        default:
            // user_prompt and every other event: counted by name only. Prompt text is never read.
            return []
        }
    }
}
