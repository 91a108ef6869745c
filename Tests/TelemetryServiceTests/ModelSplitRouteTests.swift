import Foundation
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Read API: team cost and tokens per model per day, the CSV by model, the usage report in the zone")
struct ModelSplitRouteTests {
    let base = ServiceSandbox.base
    static let sonnet = "claude-sonnet-4-5"
    static let haiku = "claude-haiku-4-5"

    /// Rewrites `user`'s aggregate.json as it was before days kept their models: each day's
    /// `models` removed, everything else as stored (the journal is empty after a first write).
    static func forgetDayModels(_ sandbox: ServiceSandbox, _ user: UserID) throws {
        var stored = try sandbox.aggregate(user)
        var days = try #require(stored["days"] as? [String: [String: Any]])
        for day in days.keys { days[day]?.removeValue(forKey: "models") }
        stored["days"] = days
        let path = sandbox.directory.aggregatePath(user)
        try JSONSerialization.data(withJSONObject: stored).write(to: URL(fileURLWithPath: path + ".new"))
        #expect(rename(path + ".new", path) == 0)
    }

    /// Ada: sonnet $0.25 (1500 input tokens) and haiku $0.5 (100) on the 24th; Bob: sonnet $1
    /// (10) on the 23rd; Carol: $2 (5) on the 24th and $3 (6) on the 22nd, stored before days
    /// kept their models.
    static func team() throws -> (ServiceSandbox, token: String) {
        let sandbox = try ServiceSandbox()
        let ada = try sandbox.addUser("Ada"), bob = try sandbox.addUser("Bob"), carol = try sandbox.addUser("Carol")
        try sandbox.send(ada, input: 1500, model: sonnet, day: "2026-11-24", cost: 0.25)
        try sandbox.send(ada, input: 100, model: haiku, day: "2026-11-24", secondOfDay: 36_200, cost: 0.5)
        try sandbox.send(bob, input: 10, model: sonnet, day: "2026-11-23", cost: 1)
        // One request holding both days, so aggregate.json (written by a user's first write) has them.
        try sandbox.sendDays(carol, [("2026-11-24", 5, 2), ("2026-11-22", 6, 3)], model: sonnet)
        try forgetDayModels(sandbox, carol)
        return (sandbox, try sandbox.addToken("lead"))
    }

    static func model(_ figures: Any?) -> [String: Double] {
        ((figures as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    static func figures(cost: Double, input: Double) -> [String: Double] {
        [
            "apiErrors": 0, "apiRequests": 0, "cacheCreationTokens": 0, "cacheReadTokens": 0, "costUsd": cost,
            "inputTokens": input, "outputTokens": 0,
        ]
    }

    @Test("modelsByDay: each day's models exactly, and what days stored before hold under unknownModel")
    func modelsByDay() throws {
        let (sandbox, token) = try Self.team()
        let body = try json(
            sandbox.get(
                "\(base)/team/summary", query: "from=2026-11-20&to=2026-11-24", headers: ["Authorization": "Bearer \(token)"]))
        let byDay = try #require(body["modelsByDay"] as? [String: [String: Any]])
        #expect(byDay.keys.sorted() == ["2026-11-22", "2026-11-23", "2026-11-24"])
        let day24 = try #require(byDay["2026-11-24"])
        let models24 = try #require(day24["models"] as? [String: Any])
        #expect(models24.keys.sorted() == [Self.haiku, Self.sonnet])
        #expect(Self.model(models24[Self.sonnet]) == Self.figures(cost: 0.25, input: 1500))
        #expect(Self.model(models24[Self.haiku]) == Self.figures(cost: 0.5, input: 100))
        // Carol's day was stored without its models: shown apart, never spread over models.
        #expect(Self.model(day24["unknownModel"]) == Self.figures(cost: 2, input: 5))
        let day23 = try #require(byDay["2026-11-23"])
        #expect(Self.model((day23["models"] as? [String: Any])?[Self.sonnet]) == Self.figures(cost: 1, input: 10))
        #expect(day23["unknownModel"] == nil)
        let day22 = try #require(byDay["2026-11-22"])
        #expect((day22["models"] as? [String: Any])?.isEmpty == true)
        #expect(Self.model(day22["unknownModel"]) == Self.figures(cost: 3, input: 6))
        // Each day's parts add up to the day.
        let days = try #require(body["days"] as? [String: [String: Any]])
        for (day, entry) in byDay {
            let parts =
                ((entry["models"] as? [String: Any]) ?? [:]).values.map { Self.model($0)["costUsd"]! }
                + [Self.model(entry["unknownModel"])["costUsd"] ?? 0]
            #expect(parts.reduce(0, +) == (days[day]?["totalTokenCostUsd"] as? Double), "\(day)")
        }
        // Users with data in the range and in the one before it (the Users card's trend).
        #expect(body["activeUsers"] as? [String: Int] == ["previousRange": 0, "range": 3])
        let short = try json(
            sandbox.get(
                "\(base)/team/summary", query: "from=2026-11-23&to=2026-11-24", headers: ["Authorization": "Bearer \(token)"]))
        #expect(short["activeUsers"] as? [String: Int] == ["previousRange": 1, "range": 3])
        // The user summary's days carry the models as aggregate.json does.
        let ada = try #require(
            (body["users"] as? [[String: Any]])?.first { $0["name"] as? String == "Ada" }?["userId"] as? String)
        let personal = try json(sandbox.get("\(base)/users/\(ada)/summary", query: "from=2026-11-20&to=2026-11-24"))
        let adaDay = try #require((personal["days"] as? [String: [String: Any]])?["2026-11-24"])
        #expect(Self.model((adaDay["models"] as? [String: Any])?[Self.haiku]) == Self.figures(cost: 0.5, input: 100))
    }

    @Test("team/summary.csv?by=model: one row per model per bucket, the unknown part with an empty model")
    func csvByModel() throws {
        let (sandbox, token) = try Self.team()
        let auth = ["Authorization": "Bearer \(token)"]
        let weeks = sandbox.get(
            "\(base)/team/summary.csv", query: "from=2026-11-20&to=2026-11-24&period=week&by=model", headers: auth)
        #expect(weeks.status == .ok)
        #expect(
            String(decoding: weeks.body, as: UTF8.self) == """
                model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors,period,from,to
                ,6,0,0,0,3,0,0,2026-11-16,2026-11-20,2026-11-22
                claude-haiku-4-5,100,0,0,0,0.5,0,0,2026-11-23,2026-11-23,2026-11-24
                claude-sonnet-4-5,1510,0,0,0,1.25,0,0,2026-11-23,2026-11-23,2026-11-24
                ,5,0,0,0,2,0,0,2026-11-23,2026-11-23,2026-11-24

                """)
        let range = sandbox.get("\(base)/team/summary.csv", query: "from=2026-11-20&to=2026-11-24&by=model", headers: auth)
        #expect(
            String(decoding: range.body, as: UTF8.self) == """
                model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors,period,from,to
                claude-haiku-4-5,100,0,0,0,0.5,0,0,range,2026-11-20,2026-11-24
                claude-sonnet-4-5,1510,0,0,0,1.25,0,0,range,2026-11-20,2026-11-24
                ,11,0,0,0,5,0,0,range,2026-11-20,2026-11-24

                """)
        // All time: the users' whole model maps.
        let all = sandbox.get("\(base)/team/summary.csv", query: "by=model", headers: auth)
        #expect(
            String(decoding: all.body, as: UTF8.self) == """
                model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors,period,from,to
                claude-haiku-4-5,100,0,0,0,0.5,0,0,all,,
                claude-sonnet-4-5,1521,0,0,0,6.25,0,0,all,,

                """)
        for (path, query, message) in [
            ("team/summary.csv", "by=tool", "parameter 'by' is 'tool'; expected user or model"),
            ("team/summary", "by=model", "parameter 'by' is 'model'; expected nothing here (by= is for team/summary.csv)"),
        ] {
            let refused = sandbox.get("\(base)/\(path)", query: query, headers: auth)
            #expect(refused.status == .badRequest)
            #expect(try readStatus(refused).message == message)
        }
        #expect(sandbox.get("\(base)/team/summary.csv", query: "by=user", headers: auth).status == .ok)
    }

    @Test("the usage report cuts and names days in --timezone and breaks each day down by model")
    func usageReportInTheZone() throws {
        let sandbox = try ServiceSandbox(timeZone: try #require(DayZone(identifier: "America/Los_Angeles")))
        let ada = try sandbox.addUser("Ada")
        // 2026-11-24T02:00Z and 02:10Z are the evening of the 23rd in Los Angeles.
        try sandbox.send(ada, input: 1500, model: Self.sonnet, day: "2026-11-24", secondOfDay: 7200, cost: 0.25)
        try sandbox.send(ada, input: 100, model: Self.haiku, day: "2026-11-24", secondOfDay: 7800, cost: 0.5)
        let auth = ["Authorization": "Bearer \(try sandbox.addToken("lead"))"]
        let path = "\(base)/team/usage_report/claude_code"
        #expect((try json(sandbox.get(path, query: "starting_at=2026-11-24", headers: auth))["data"] as? [Any])?.isEmpty == true)
        let body = try json(sandbox.get(path, query: "starting_at=2026-11-23", headers: auth))
        let record = try #require((body["data"] as? [[String: Any]])?.first)
        #expect(record["date"] as? String == "2026-11-23T00:00:00-08:00")
        let breakdown = try #require(record["model_breakdown"] as? [[String: Any]])
        #expect(breakdown.map { $0["model"] as? String } == [Self.haiku, Self.sonnet])
        #expect(breakdown.map { ($0["estimated_cost"] as? [String: Any])?["amount"] as? Double } == [50, 25])
        #expect(breakdown.map { ($0["tokens"] as? [String: Any])?["input"] as? Int } == [100, 1500])
        let missing = sandbox.get(path, query: "", headers: auth)
        #expect(missing.status == .badRequest)
        #expect(
            try readStatus(missing).message
                == "starting_at is required: the day to report, as YYYY-MM-DD (days are cut in America/Los_Angeles, the service's --timezone)"
        )
    }
}

extension ServiceSandbox {
    /// One request holding `days` (day, input tokens, cost) of `model`, each at 10:01 UTC.
    func sendDays(_ user: UserID, _ days: [(String, Double, Double)], model: String) throws {
        var points: [String] = []
        var costs: [String] = []
        for (day, input, cost) in days {
            let nanos = UInt64(try #require(Self.seconds(of: day)) + 36_060) * 1_000_000_000
            let attributes = #"{"key":"model","value":{"stringValue":"\#(model)"}}"#
            points.append(
                #"{"asDouble":\#(input),"startTimeUnixNano":"\#(nanos - 60_000_000_000)","timeUnixNano":"\#(nanos)","attributes":[{"key":"type","value":{"stringValue":"input"}},\#(attributes)]}"#
            )
            costs.append(
                #"{"asDouble":\#(cost),"startTimeUnixNano":"\#(nanos - 60_000_000_000)","timeUnixNano":"\#(nanos)","attributes":[\#(attributes)]}"#
            )
        }
        let body =
            #"{"resourceMetrics":[{"resource":{},"scopeMetrics":[{"metrics":["#
            + #"{"name":"claude_code.token.usage","unit":"tokens","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":["#
            + points.joined(separator: ",") + "]}},"
            + #"{"name":"claude_code.cost.usage","unit":"USD","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":["#
            + costs.joined(separator: ",") + "]}}]}]}]}"
        let response = get(
            "\(Self.base)/users/\(user)/v1/metrics", method: "POST", body: Array(body.utf8),
            headers: ["Content-Type": "application/json"])
        #expect(response.status == .ok)
    }
}
