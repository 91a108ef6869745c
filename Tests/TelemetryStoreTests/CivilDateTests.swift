import TelemetryStore
import TelemetryTesting
import Testing

@Suite("Civil dates: day numbers and YYYY-MM-DD both ways")
struct CivilDateTests {
    @Test("known days: the epoch, a leap day, the day before the epoch, a far year")
    func knownDays() {
        #expect(CivilDate(days: 0).text == "1970-01-01")
        #expect(CivilDate(days: -1).text == "1969-12-31")
        #expect(CivilDate("2024-02-29")?.days == 19_782)
        #expect(CivilDate(days: 19_782).text == "2024-02-29")
        #expect(CivilDate("2026-11-24")?.days == 20_781)
        #expect(CivilDate(days: 2_932_896).text == "9999-12-31")
    }

    @Test("every day from 1900 to 2100 round-trips through its text")
    func roundTrip() throws {
        for days in Int64(-25_567)...Int64(47_482) {
            let date = CivilDate(days: days)
            #expect(try #require(CivilDate(date.text)).days == days)
        }
    }

    @Test(
        "parsing is strict",
        arguments: [
            "2023-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-4-01",
            "2026-04-01T", "20260401", "2026/04/01", "", "-026-04-01",
        ])
    func strict(_ text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("Timestamp.day agrees")
    func timestampDay() {
        #expect(Timestamp(seconds: 1_795_514_400).day == "2026-11-24")
        #expect(Timestamp(seconds: 951_782_400).day == "2000-02-29")
    }
}
