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
    func digest(_ name: String, _ days: [String: Double], model: String = "m1") throws -> UserDigest {
        let user = UserID.random()
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
        let ada = try digest("Ada", ["2026-02-26": 1, "2026-02-27": 10, "2026-03-01": 100, "2026-03-03": 1_000])
        let bob = try digest("Bob", ["2026-02-28": 20, "2026-03-01": 200, "2026-03-01x": 7], model: "m2")
        let report = TeamSummaryReport(digests: [bob, ada], range: range, generatedAt: Timestamp(seconds: 1_772_400_000))
        let input = report.days.mapValues { $0.figures.count(.totalInputTokens) }
        #expect(input == ["2026-02-27": 10, "2026-02-28": 20, "2026-03-01": 300, "2026-03-01x": 7])
        #expect(report.days.mapValues(\.activeUsers) == ["2026-02-27": 1, "2026-02-28": 1, "2026-03-01": 2, "2026-03-01x": 1])
        let models = report.days["2026-03-01"]!.models.mapValues { $0.count(.totalInputTokens) }
        #expect(models == ["m1": 100, "m2": 200])
        #expect(report.rangeTotals.count(.totalInputTokens) == 337)
        #expect(report.rangeActiveUsers == 2)
        let byName = Dictionary(
            uniqueKeysWithValues: report.members.map { ($0.digest.name, $0.rangeTotals.count(.totalInputTokens)) })
        #expect(byName == ["Ada": 110, "Bob": 227])
    }
}
