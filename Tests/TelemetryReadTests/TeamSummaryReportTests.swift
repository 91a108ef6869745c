import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

/// The team's days are the users' days added up: merged day by day into the range's days, with
/// any other key the range's text order holds (not written by this service) kept apart.
@Suite("Team summary report")
struct TeamSummaryReportTests {
    let range = DayRange(from: CalendarDay("2026-02-27")!, to: CalendarDay("2026-03-02")!)

    @Test("a range's day keys cross months, and a reversed range has none")
    func dayKeys() {
        #expect(range.dayKeys == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
        let leap = DayRange(from: CalendarDay("2028-02-28")!, to: CalendarDay("2028-03-01")!)
        #expect(leap.dayKeys == ["2028-02-28", "2028-02-29", "2028-03-01"])
        #expect(DayRange(from: CalendarDay("2026-03-02")!, to: CalendarDay("2026-03-01")!).dayKeys.isEmpty)
    }

    /// A digest of a user with `input` tokens of `model` on each of `days`.
    func digest(_ name: String, _ days: [String: Double], model: String = "m1", id: String? = nil) throws -> UserDigest {
        let user = try id.map { try UserID(validating: $0) } ?? UserID.random()
        var document = AggregateDocument(user: user)
        document.metricsSeen = [MetricName.tokenUsage]
        for (day, input) in days {
            var figures = Figures()
            figures[.inputTokensFromTokenMetric] = input
            document.days[day] = figures
            document.dayModels[day] = [model: figures]
            document.totals[.inputTokensFromTokenMetric] += input
        }
        let record = UserRecord(id: user, name: name, createdAt: "2026-01-01T00:00:00Z")
        return UserDigest(user: user, record: record, document: document, keepingRaw: false, keepingSessions: false)
    }

    @Test("each team day is the sum of the users' days, with how many users had it; days outside the range are left out")
    func daysAddUp() throws {
        // Bob's id sorts first, so his model is the first the team's day meets.
        let ada = try digest(
            "Ada", ["2026-02-26": 1, "2026-02-27": 10, "2026-03-01": 100, "2026-03-03": 1_000],
            id: "00000000-0000-4000-8000-000000000002")
        let bob = try digest(
            "Bob", ["2026-02-28": 20, "2026-03-01": 200, "2026-03-01x": 7], model: "m2",
            id: "00000000-0000-4000-8000-000000000001")
        let report = TeamSummaryReport(digests: [bob, ada], range: range, generatedAt: Timestamp(seconds: 1_772_400_000))
        let input = report.days.mapValues { $0.figures.count(.totalInputTokens) }
        #expect(input == ["2026-02-27": 10, "2026-02-28": 20, "2026-03-01": 300, "2026-03-01x": 7])
        #expect(report.days.mapValues(\.activeUsers) == ["2026-02-27": 1, "2026-02-28": 1, "2026-03-01": 2, "2026-03-01x": 1])
        let models = report.days["2026-03-01"]!.modelsByName.map { "\($0.name)=\($0.figures.count(.totalInputTokens))" }
        #expect(models == ["m1=100", "m2=200"])
        // The answer lists a day's models by name, whoever brought them first.
        let json = String(decoding: report.json, as: UTF8.self)
        #expect(json.contains(#""2026-03-01":{"models":{"m1":{"#), "\(json)")
        // A team day is the same sum whichever user came first.
        let adaDay = try #require(ada.days.first { $0.day == "2026-03-01" })
        let bobDay = try #require(bob.days.first { $0.day == "2026-03-01" })
        var adaFirst = TeamSummaryReport.TeamDay(), bobFirst = TeamSummaryReport.TeamDay()
        adaFirst.add(adaDay)
        adaFirst.add(bobDay)
        bobFirst.add(bobDay)
        bobFirst.add(adaDay)
        #expect(adaFirst.models.map(\.name) == ["m1", "m2"] && bobFirst.models.map(\.name) == ["m2", "m1"])
        #expect(adaFirst == bobFirst)
        bobFirst.add(bobDay)
        #expect(adaFirst != bobFirst)
        #expect(report.rangeTotals.count(.totalInputTokens) == 337)
        #expect(report.rangeActiveUsers == 2)
        let byName = Dictionary(
            uniqueKeysWithValues: report.members.map { ($0.digest.name, $0.rangeTotals.count(.totalInputTokens)) })
        #expect(byName == ["Ada": 110, "Bob": 227])
    }
}
