import Foundation
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Read API: time zone, ?period= buckets, previous range, and the CSV's from/to")
struct PeriodRouteTests {
    let base = ServiceSandbox.base

    static func inputTokens(_ figures: Any?) -> Int? { (figures as? [String: Any])?["totalInputTokens"] as? Int }

    @Test("a point at 02:00 UTC counts on the previous day with --timezone America/Los_Angeles, on its own day in UTC")
    func timeZoneCutsDays() throws {
        let zone = try #require(DayZone(identifier: "America/Los_Angeles"))
        let pacific = try ServiceSandbox(timeZone: zone)
        let utc = try ServiceSandbox()
        for sandbox in [pacific, utc] {
            let user = try sandbox.addUser("Ada")
            try sandbox.send(user, input: 7, day: "2026-11-24", secondOfDay: 2 * 3600)
            let stored = try #require(try sandbox.aggregate(user)["days"] as? [String: Any])
            let body = try json(sandbox.get("\(base)/users/\(user)/summary", query: "from=2026-11-20&to=2026-11-24"))
            let days = try #require(body["days"] as? [String: Any])
            if sandbox === pacific {
                // 2026-11-24T02:00Z is 2026-11-23T18:00 PST.
                #expect(Array(stored.keys) == ["2026-11-23"])
                #expect(Array(days.keys) == ["2026-11-23"])
            } else {
                #expect(Array(stored.keys) == ["2026-11-24"])
                #expect(Array(days.keys) == ["2026-11-24"])
            }
            #expect(Self.inputTokens(days.values.first) == 7)
        }
    }

    @Test("today is the zone's today: 2026-11-24T10:00Z is still 2026-11-24 in Los Angeles, already 2026-11-25 at UTC+14")
    func todayFollowsTheZone() throws {
        for (name, today, from) in [
            ("America/Los_Angeles", "2026-11-24", "2026-10-26"), ("Pacific/Auckland", "2026-11-24", "2026-10-26"),
            ("Pacific/Kiritimati", "2026-11-25", "2026-10-27"),
        ] {
            let sandbox = try ServiceSandbox(timeZone: try #require(DayZone(identifier: name)))
            let user = try sandbox.addUser("Ada")
            let body = try json(sandbox.get("\(base)/users/\(user)/summary"))
            // 10:00Z is 02:00 PST and 23:00 NZDT on the 24th, 00:00 on the 25th at UTC+14.
            #expect(sameJSON(body["range"]!, ["from": from, "to": today]), "\(name)")
        }
    }

    @Test("days=N: the last N days up to today in the zone; a bad value is a 400 naming it")
    func lastDays() throws {
        let sandbox = try ServiceSandbox(timeZone: try #require(DayZone(identifier: "Pacific/Kiritimati")))
        let user = try sandbox.addUser("Ada")
        let body = try json(sandbox.get("\(base)/users/\(user)/summary", query: "days=7"))
        #expect(sameJSON(body["range"]!, ["from": "2026-11-19", "to": "2026-11-25"]))
        for bad in ["0", "401", "7x", "-1", " 7"] {
            let response = sandbox.get("\(base)/users/\(user)/summary", query: "days=\(bad)")
            #expect(response.status == .badRequest)
            #expect(try readStatus(response).message.hasPrefix("parameter 'days' is"))
        }
    }

    @Test("?period=week: Monday-based buckets cut to the range, every bucket present, sums of their days")
    func weeks() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 1, day: "2026-11-01")  // Sunday
        try sandbox.send(user, input: 20, day: "2026-11-02")  // Monday
        try sandbox.send(user, input: 300, day: "2026-11-08")  // Sunday
        try sandbox.send(user, input: 4000, day: "2026-11-24")  // Tuesday
        let body = try json(sandbox.get("\(base)/users/\(user)/summary", query: "from=2026-11-01&to=2026-11-24&period=week"))
        #expect(body["period"] as? String == "week")
        let periods = try #require(body["periods"] as? [String: [String: Any]])
        #expect(periods.keys.sorted() == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"])
        #expect(periods["2026-10-26"]?["from"] as? String == "2026-11-01")
        #expect(periods["2026-10-26"]?["to"] as? String == "2026-11-01")
        #expect(periods["2026-11-23"]?["from"] as? String == "2026-11-23")
        #expect(periods["2026-11-23"]?["to"] as? String == "2026-11-24")
        #expect(periods.keys.sorted().map { Self.inputTokens(periods[$0]?["totals"]) } == [1, 320, 0, 0, 4000])
    }

    @Test("?period=month: calendar months cut to the range; ?period=day: one bucket per day")
    func monthsAndDays() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 5, day: "2026-10-31")
        try sandbox.send(user, input: 60, day: "2026-11-01")
        try sandbox.send(user, input: 700, day: "2026-11-24")
        let months = try json(sandbox.get("\(base)/users/\(user)/summary", query: "from=2026-10-30&to=2026-11-24&period=month"))
        let periods = try #require(months["periods"] as? [String: [String: Any]])
        #expect(periods.keys.sorted() == ["2026-10", "2026-11"])
        #expect(periods["2026-10"]?["from"] as? String == "2026-10-30")
        #expect(periods["2026-10"]?["to"] as? String == "2026-10-31")
        #expect(Self.inputTokens(periods["2026-10"]?["totals"]) == 5)
        #expect(Self.inputTokens(periods["2026-11"]?["totals"]) == 760)
        let days = try json(sandbox.get("\(base)/users/\(user)/summary", query: "from=2026-10-30&to=2026-11-02&period=day"))
        let dayBuckets = try #require(days["periods"] as? [String: [String: Any]])
        #expect(dayBuckets.keys.sorted() == ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"])
        #expect(dayBuckets.keys.sorted().map { Self.inputTokens(dayBuckets[$0]?["totals"]) } == [0, 5, 60, 0])
        // Without ?period= there is no periods key.
        #expect(try json(sandbox.get("\(base)/users/\(user)/summary"))["periods"] == nil)
    }

    @Test("previousRange is the range of the same length just before; previousRangeTotals its sum (user and team)")
    func previousRange() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("t")
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 9, day: "2026-11-14")
        try sandbox.send(user, input: 80, day: "2026-11-17")
        try sandbox.send(user, input: 700, day: "2026-11-18")
        let query = "from=2026-11-18&to=2026-11-24"
        let body = try json(sandbox.get("\(base)/users/\(user)/summary", query: query))
        #expect(sameJSON(body["previousRange"]!, ["from": "2026-11-11", "to": "2026-11-17"]))
        #expect(Self.inputTokens(body["previousRangeTotals"]) == 89)
        #expect(Self.inputTokens(body["rangeTotals"]) == 700)
        let team = try json(sandbox.get("\(base)/team/summary", query: query, headers: ["Authorization": "Bearer \(token)"]))
        #expect(Self.inputTokens(team["previousRangeTotals"]) == 89)
    }

    @Test("team ?period=: team sums and active users per bucket")
    func teamPeriods() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("t")
        let a = try sandbox.addUser("A"), b = try sandbox.addUser("B")
        try sandbox.send(a, input: 1, day: "2026-11-02")
        try sandbox.send(b, input: 10, day: "2026-11-03")
        try sandbox.send(b, input: 100, day: "2026-11-10")
        let body = try json(
            sandbox.get(
                "\(base)/team/summary", query: "from=2026-11-02&to=2026-11-15&period=week",
                headers: ["Authorization": "Bearer \(token)"]))
        let periods = try #require(body["periods"] as? [String: [String: Any]])
        #expect(periods.keys.sorted() == ["2026-11-02", "2026-11-09"])
        #expect(periods["2026-11-02"]?["activeUsers"] as? Int == 2)
        #expect(periods["2026-11-09"]?["activeUsers"] as? Int == 1)
        #expect(Self.inputTokens(periods["2026-11-02"]?["totals"]) == 11)
        #expect(Self.inputTokens(periods["2026-11-09"]?["totals"]) == 100)
    }

    @Test("a period other than day, week or month is a 400 naming it")
    func badPeriod() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        let token = try sandbox.addToken("t")
        for (path, headers) in [
            ("\(base)/users/\(user)/summary", [String: String]()),
            ("\(base)/team/summary.csv", ["Authorization": "Bearer \(token)"]),
        ] {
            let response = sandbox.get(path, query: "period=year", headers: headers)
            #expect(response.status == .badRequest)
            #expect(try readStatus(response).message == "parameter 'period' is 'year'; expected day, week or month")
        }
    }

    @Test("CSV: all time without from/to/period; the range with from/to; one row per user and bucket with period")
    func csvHonoursTheRange() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("t")
        let auth = ["Authorization": "Bearer \(token)"]
        let a = try sandbox.addUser("Ada")
        try sandbox.send(a, input: 3, day: "2026-11-01", cost: 1)
        try sandbox.send(a, input: 40, day: "2026-11-20", cost: 2)
        func rows(_ query: String) -> [[String]] {
            String(decoding: sandbox.get("\(base)/team/summary.csv", query: query, headers: auth).body, as: UTF8.self)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let header = rows("")[0]
        let input = try #require(header.firstIndex(of: "totalInputTokens"))
        let period = try #require(header.firstIndex(of: "period"))
        let all = rows("")
        #expect(all.count == 2)
        #expect(all[1][input] == "43" && all[1][period...(period + 2)] == ["all", "", ""])
        let range = rows("from=2026-11-15&to=2026-11-24")
        #expect(range.count == 2)
        #expect(range[1][input] == "40" && range[1][period...(period + 2)] == ["range", "2026-11-15", "2026-11-24"])
        let months = rows("from=2026-10-15&to=2026-11-24&period=month")
        #expect(months.count == 3)
        #expect(months[1][input] == "0" && months[1][period...(period + 2)] == ["2026-10", "2026-10-15", "2026-10-31"])
        #expect(months[2][input] == "43" && months[2][period...(period + 2)] == ["2026-11", "2026-11-01", "2026-11-24"])
        let costPerCommit = try #require(header.firstIndex(of: "costPerCommitUsd"))
        #expect(months[2][costPerCommit] == "")
    }
}
