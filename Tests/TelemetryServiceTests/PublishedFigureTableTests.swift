import Foundation
import TelemetryRead
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// Every row of ``PublishedFigure`` reaches every output that publishes the totals: a figure
/// added to the table but left out of an output, or an output that drops one, fails here.
@Suite("The figure table: each published figure in every output")
struct PublishedFigureTableTests {
    /// The real client's fixtures (metrics and logs of one session), sent as one user.
    static func fixture(_ name: String) throws -> [UInt8] { try Fixtures.bytes(name) }

    func seeded() throws -> (ServiceSandbox, UserID, [String: String]) {
        let sandbox = try ServiceSandbox()
        let auth = ["Authorization": "Bearer \(try sandbox.addToken("grafana"))"]
        let user = try sandbox.addUser("Ada")
        for (signal, file) in [("metrics", "metrics-delta.pb"), ("logs", "logs.pb")] {
            let answer = sandbox.get(
                "\(ServiceSandbox.base)/users/\(user)/v1/\(signal)", method: "POST", body: try Self.fixture(file),
                headers: ["Content-Type": "application/x-protobuf"])
            #expect(answer.status == .ok)
        }
        return (sandbox, user, auth)
    }

    @Test("the table has one row per published key, each key once")
    func tableIsWhole() {
        let keys = PublishedFigure.allCases.map(\.key)
        #expect(Set(keys).count == keys.count)
        // Each figure has a lane of its own in PublishedTotals' storage.
        let counts = PublishedFigure.allCases.filter { $0.unit == .count }.map(\.slot)
        let amounts = PublishedFigure.allCases.filter { $0.unit != .count }.map(\.slot)
        #expect(Set(counts).count == counts.count && counts.allSatisfy { (0..<PublishedTotals.lanes.counts).contains($0) })
        #expect(Set(amounts).count == amounts.count && amounts.allSatisfy { (0..<PublishedTotals.lanes.amounts).contains($0) })
        let modelCounts = PublishedFigure.allCases.filter { $0.modelKey != nil && $0.unit == .count }.compactMap(\.modelSlot)
        let modelAmounts = PublishedFigure.allCases.filter { $0.modelKey != nil && $0.unit != .count }.compactMap(\.modelSlot)
        #expect(PublishedFigure.allCases.allSatisfy { ($0.modelKey == nil) == ($0.modelSlot == nil) })
        #expect(modelCounts.count + modelAmounts.count == PublishedFigure.allCases.filter { $0.modelKey != nil }.count)
        #expect(Set(modelCounts) == Set(0..<PublishedModel.lanes.counts) && modelCounts.count == PublishedModel.lanes.counts)
        #expect(Set(modelAmounts) == Set(0..<PublishedModel.lanes.amounts) && modelAmounts.count == PublishedModel.lanes.amounts)
        var model = PublishedModel()
        for (index, figure) in PublishedFigure.modelFigures.enumerated() { model[figure] = .amount(Double(index + 1)) }
        var modelTwice = model
        modelTwice.add(model)
        for (index, figure) in PublishedFigure.modelFigures.enumerated() {
            #expect(modelTwice.amount(figure) == Double(2 * (index + 1)), "\(figure)")
        }
        var each = PublishedTotals()
        for (index, figure) in PublishedFigure.allCases.enumerated() {
            each[figure] = figure.unit == .count ? .count(Int64(index + 1)) : .amount(Double(index) + 0.5)
        }
        for (index, figure) in PublishedFigure.allCases.enumerated() {
            #expect(each.amount(figure) == (figure.unit == .count ? Double(index + 1) : Double(index) + 0.5))
        }
        // A sum adds every slot: each figure doubles, none moves into another's place.
        var twice = each
        twice.add(each)
        for (index, figure) in PublishedFigure.allCases.enumerated() {
            #expect(twice.amount(figure) == 2 * (figure.unit == .count ? Double(index + 1) : Double(index) + 0.5), "\(figure)")
        }
        // A value of the other kind is stored by the figure's unit, in the figure's own slot.
        var crossed = PublishedTotals()
        crossed[.totalTokenCostUsd] = .count(3)
        crossed[.totalSessions] = .amount(2.4)
        #expect(crossed[.totalTokenCostUsd] == .amount(3) && crossed[.totalSessions] == .count(2))
        #expect(PublishedFigure.allCases.filter { crossed.amount($0) != 0 }.count == 2)
        #expect(Set(PublishedFigure.dayColumns).count == PublishedFigure.dayColumns.count)
        #expect(Set(PublishedFigure.dayColumns) == Set(PublishedFigure.allCases.filter { $0.dayColumn != nil }))
    }

    @Test("aggregate.json, the user's summary and the team summary carry every figure, with one value")
    func jsonOutputs() throws {
        let (sandbox, user, auth) = try seeded()
        let stored = try sandbox.aggregate(user)
        let storedTotals = try #require(stored["totals"] as? [String: Any])
        let summary = try json(sandbox.get("\(ServiceSandbox.base)/users/\(user)/summary"))
        let team = try json(sandbox.get("\(ServiceSandbox.base)/team/summary", headers: auth))
        let userTotals = try #require(summary["totals"] as? [String: Any])
        let teamTotals = try #require(team["totals"] as? [String: Any])
        let member = try #require((team["users"] as? [[String: Any]])?.first?["totals"] as? [String: Any])
        let storedDays = try #require(stored["days"] as? [String: [String: Any]])
        #expect(!storedDays.isEmpty)
        for figure in PublishedFigure.allCases {
            let value = try #require(storedTotals[figure.key] as? NSNumber, "\(figure.key) missing in aggregate.json")
            for (name, object) in [("summary", userTotals), ("team", teamTotals), ("team member", member)] {
                #expect((object[figure.key] as? NSNumber) == value, "\(figure.key) in \(name)")
            }
            for (day, figures) in storedDays { #expect(figures[figure.key] is NSNumber, "\(figure.key) on \(day)") }
        }
        // Every published key is a figure of the table (raw and a day's models aside).
        #expect(Set(storedTotals.keys).subtracting(["raw"]) == Set(PublishedFigure.allCases.map(\.key)))
        // Each model entry holds exactly the table's model figures, all time and per day, and the
        // team's models the same keys.
        let modelKeys = Set(PublishedFigure.allCases.compactMap(\.modelKey))
        let storedModels = try #require(stored["models"] as? [String: [String: Any]])
        #expect(!storedModels.isEmpty)
        for (name, entry) in storedModels { #expect(Set(entry.keys).subtracting(["raw"]) == modelKeys, "\(name)") }
        for (day, figures) in storedDays {
            for (name, entry) in figures["models"] as? [String: [String: Any]] ?? [:] {
                #expect(Set(entry.keys).subtracting(["raw"]) == modelKeys, "\(day) \(name)")
            }
        }
        let teamModels = try #require(team["models"] as? [String: [String: Any]])
        for (name, entry) in teamModels {
            #expect(Set(entry.keys) == modelKeys, "team \(name)")
            for figure in PublishedFigure.allCases where figure.modelKey != nil {
                #expect(entry[figure.modelKey!] as? NSNumber == storedModels[name]?[figure.modelKey!] as? NSNumber)
            }
        }
    }

    @Test("every tool entry — aggregate.json, the user's summary, the team summary — holds the tool table's figures")
    func toolOutputs() throws {
        let (sandbox, user, auth) = try seeded()
        let keys = ToolFigure.table.map(\.key)
        #expect(Set(keys).count == keys.count)
        // Each figure has a slot of its own: set each, read each back, sum doubles each.
        var each = PublishedTool()
        for (index, figure) in ToolFigure.table.enumerated() { each[figure] = Int64(index + 1) }
        var twice = each
        twice.add(each)
        for (index, figure) in ToolFigure.table.enumerated() { #expect(twice[figure] == 2 * Int64(index + 1)) }
        let storedTools = try #require(try sandbox.aggregate(user)["tools"] as? [String: [String: Any]])
        let userTools = try #require(
            try json(sandbox.get("\(ServiceSandbox.base)/users/\(user)/summary"))["tools"] as? [String: [String: Any]])
        let teamTools = try #require(
            try json(sandbox.get("\(ServiceSandbox.base)/team/summary", headers: auth))["tools"] as? [String: [String: Any]])
        #expect(!storedTools.isEmpty)
        #expect(Set(storedTools.keys) == Set(userTools.keys) && Set(storedTools.keys) == Set(teamTools.keys))
        for (name, stored) in storedTools {
            #expect(Set(stored.keys).subtracting(["raw"]) == Set(keys), "\(name)")
            for (output, entry) in [("summary", userTools[name] ?? [:]), ("team", teamTools[name] ?? [:])] {
                #expect(Set(entry.keys).subtracting(["raw"]) == Set(keys), "\(name) in \(output)")
                for key in keys { #expect(entry[key] as? NSNumber == stored[key] as? NSNumber, "\(name).\(key) in \(output)") }
            }
        }
        // The Prometheus samples of each tool add up to its figures.
        let text = String(decoding: sandbox.get("\(ServiceSandbox.base)/prometheus", headers: auth).body, as: UTF8.self)
        let samples = Self.samples(text)
        for (name, stored) in storedTools {
            for figure in ToolFigure.table {
                let mapping = figure.prometheus
                let matching = samples.filter { sample in
                    sample.name == mapping.family && sample.labels["user_id"] == user.rawValue
                        && sample.labels["tool_name"] == name && mapping.labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }
                #expect(matching.count == 1, "\(name).\(figure.key): \(matching.count) samples of \(mapping.family)")
                #expect(matching.first?.value == (stored[figure.key] as? NSNumber)?.doubleValue, "\(name).\(figure.key)")
            }
        }
    }

    @Test("the team CSV has a column per figure in table order; the day CSV (`export --csv`) the table's day columns")
    func csvOutputs() throws {
        let (sandbox, user, auth) = try seeded()
        let teamCSV = String(decoding: sandbox.get("\(ServiceSandbox.base)/team/summary.csv", headers: auth).body, as: UTF8.self)
        let header = teamCSV.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        let keys = PublishedFigure.allCases.map(\.key)
        let start = try #require(header.firstIndex(of: keys[0]))
        #expect(Array(header[start..<start + keys.count]) == keys)
        let byModel = String(
            decoding: sandbox.get("\(ServiceSandbox.base)/team/summary.csv", query: "by=model", headers: auth).body, as: UTF8.self
        )
        #expect(
            byModel.hasPrefix(
                "model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors,period,from,to\n"
            ))
        let document = try #require(try AggregateStore(directory: sandbox.directory).read(user))
        let dayCSV = CSVExport.csv(AggregateView(document), by: .day)
        // The contract's header, spelled out: the table's day columns must produce exactly it.
        let dayHeader =
            "date,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,minutes,"
            + "linesAdded,linesRemoved,commits,pullRequests,toolCalls,apiRequests,apiErrors\n"
        #expect(dayCSV.hasPrefix(dayHeader))
        #expect(dayCSV.split(separator: "\n").count == 2)
    }

    @Test("each figure the Prometheus export carries adds up to the user's figure")
    func prometheus() throws {
        let (sandbox, user, auth) = try seeded()
        let totals = try #require(
            try json(sandbox.get("\(ServiceSandbox.base)/users/\(user)/summary"))["totals"] as? [String: Any])
        let text = String(decoding: sandbox.get("\(ServiceSandbox.base)/prometheus", headers: auth).body, as: UTF8.self)
        let samples = Self.samples(text)
        var exported = 0
        for figure in PublishedFigure.allCases {
            guard let mapping = figure.prometheus else { continue }
            let matching = samples.filter { sample in
                sample.name == mapping.family && sample.labels["user_id"] == user.rawValue
                    && mapping.labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }
            #expect(!matching.isEmpty, "\(figure.key): no \(mapping.family) sample")
            let sum = matching.reduce(0) { $0 + $1.value } * mapping.scale
            let published = try #require(totals[figure.key] as? NSNumber).doubleValue
            #expect(abs(sum - published) <= 1e-9 * max(1, abs(published)), "\(figure.key): \(sum) ≠ \(published)")
            exported += 1
        }
        #expect(exported == 16)
    }

    @Test("the dashboard's cards name the figures the table gives a card, with its label")
    func dashboardCards() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../web/figures.js")
        let source = try String(contentsOf: url, encoding: .utf8)
        var cards: [(key: String, label: String)] = []
        for match in source.matches(of: /(?:TOKENS|COUNT)\('(\w+)', '([^']*)'\)|key: '(\w+)', label: '([^']*)'/) {
            if let key = match.1, let label = match.2 {
                cards.append((String(key), String(label)))
            } else if let key = match.3, let label = match.4 {
                cards.append((String(key), String(label)))
            }
        }
        let byKey = Dictionary(cards.map { ($0.key, $0.label) }, uniquingKeysWith: { first, _ in first })
        for figure in PublishedFigure.allCases {
            if let card = figure.card {
                #expect(byKey[figure.key] == card, "\(figure.key)")
            } else {
                #expect(byKey[figure.key] == nil, "\(figure.key) has a card the table does not name")
            }
        }
    }

    /// The samples of an exposition: family name, labels, value.
    static func samples(_ text: String) -> [(name: String, labels: [String: String], value: Double)] {
        var samples: [(name: String, labels: [String: String], value: Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = String(series.prefix { $0 != "{" })
            var labels: [String: String] = [:]
            for match in series.matches(of: /(\w+)="([^"]*)"/) { labels[String(match.1)] = String(match.2) }
            samples.append((name, labels, value))
        }
        return samples
    }
}
