import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryRead

@Suite("Day ranges")
struct DayRangeTests {
    let today = CalendarDay("2026-11-24")!

    @Test("calendar days parse strictly and print back the same")
    func calendarDays() {
        for text in ["1970-01-01", "2024-02-29", "2026-11-24", "2099-12-31"] {
            #expect(CalendarDay(text)?.description == text)
        }
        for bad in [
            "2026-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "26-11-24", "2026/11/24", "2026-11-2x",
            "", "1969-12-31", "2026-11-24T00:00:00Z", " 2026-11-24",
        ] {
            #expect(CalendarDay(bad) == nil, "\(bad)")
        }
        #expect(CalendarDay("1970-01-01")?.ordinal == 0)
        #expect(CalendarDay("2026-03-01")!.adding(days: -1).description == "2026-02-28")
        #expect(CalendarDay(Timestamp(seconds: 1_795_514_400)).description == Timestamp(seconds: 1_795_514_400).day)
    }

    @Test("defaults: to is today, from is 29 days earlier")
    func defaults() throws {
        let range = try DayRange.resolve(from: nil, to: nil, today: today)
        #expect(range.fromKey == "2026-10-26")
        #expect(range.toKey == "2026-11-24")
        let onlyTo = try DayRange.resolve(from: nil, to: "2026-03-01", today: today)
        #expect(onlyTo.fromKey == "2026-01-31")
        let onlyFrom = try DayRange.resolve(from: "2026-11-01", to: nil, today: today)
        #expect(onlyFrom.toKey == "2026-11-24")
    }

    @Test("a bad date names its parameter; reversed and over-long ranges are refused")
    func refusals() {
        #expect(throws: ReadQueryError.invalidDate(parameter: "from", value: "2026-02-30")) {
            try DayRange.resolve(from: "2026-02-30", to: nil, today: today)
        }
        #expect(throws: ReadQueryError.invalidDate(parameter: "to", value: "yesterday")) {
            try DayRange.resolve(from: "2026-01-01", to: "yesterday", today: today)
        }
        #expect(throws: ReadQueryError.fromAfterTo(from: "2026-11-25", to: "2026-11-24")) {
            try DayRange.resolve(from: "2026-11-25", to: "2026-11-24", today: today)
        }
        #expect(throws: ReadQueryError.rangeTooLong(days: 401, maximum: 400)) {
            try DayRange.resolve(from: "2025-10-20", to: "2026-11-24", today: today)
        }
        #expect(throws: Never.self) { try DayRange.resolve(from: "2025-10-21", to: "2026-11-24", today: today) }
        #expect(ReadQueryError.invalidDate(parameter: "from", value: "x").description.contains("parameter 'from'"))
    }

    @Test("contains compares bucket keys inclusively")
    func contains() throws {
        let range = try DayRange.resolve(from: "2026-11-01", to: "2026-11-03", today: today)
        #expect(range.contains("2026-11-01"))
        #expect(range.contains("2026-11-03"))
        #expect(!range.contains("2026-10-31"))
        #expect(!range.contains("2026-11-04"))
    }
}
