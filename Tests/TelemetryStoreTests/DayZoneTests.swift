import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("--timezone: days cut in an IANA zone of the system's tz database")
struct DayZoneTests {
    /// 2026-11-24T02:00:00Z.
    static let twoAM = Timestamp(seconds: 1_795_485_600)

    @Test("02:00 UTC is the previous day in Los Angeles, the same day in UTC and Berlin")
    func days() throws {
        #expect(DayZone.utc.day(of: Self.twoAM) == "2026-11-24")
        #expect(try #require(DayZone(identifier: "America/Los_Angeles")).day(of: Self.twoAM) == "2026-11-23")
        #expect(try #require(DayZone(identifier: "Europe/Berlin")).day(of: Self.twoAM) == "2026-11-24")
        #expect(
            try #require(DayZone(identifier: "Pacific/Kiritimati")).day(of: Timestamp(seconds: 1_795_514_400)) == "2026-11-25")
    }

    @Test("daylight saving: Los Angeles is UTC-7 in July and UTC-8 in November")
    func daylightSaving() throws {
        let zone = try #require(DayZone(identifier: "America/Los_Angeles"))
        #expect(zone.offset(atSecond: 1_783_036_800) == -7 * 3600)  // 2026-07-03
        #expect(zone.offset(atSecond: 1_795_485_600) == -8 * 3600)
        // 2026-07-03T06:30Z is 23:30 PDT on the 2nd; with -8 it would still be the 2nd, with -6 the 3rd.
        #expect(zone.day(of: Timestamp(seconds: 1_783_060_200)) == "2026-07-02")
    }

    @Test("names outside the tz database, paths and abbreviations are refused")
    func refused() {
        for name in [
            "", "Mars/Olympus", "../etc/passwd", "/usr/share/zoneinfo/UTC", "America//New_York", "utc", "GMT+5 ", "x\u{0}",
        ] {
            #expect(DayZone(identifier: name) == nil, "\(name)")
        }
        #expect(DayZone(identifier: "UTC") == .utc)
        #expect(DayZone(identifier: "Etc/UTC") != nil)
    }

    @Test("--timezone resolves through the settings table; a bad name is an error naming the flag")
    func setting() throws {
        let base = ["data-dir": "/tmp/x"]
        #expect(try RuntimeSettings(flags: base, environment: [:]).limits.dayZone == .utc)
        let fromEnvironment = try RuntimeSettings(flags: base, environment: ["CLAUDE_TELEMETRY_TIMEZONE": "Asia/Tokyo"])
        #expect(fromEnvironment.limits.dayZone.identifier == "Asia/Tokyo")
        #expect(throws: SettingsError.self) {
            try RuntimeSettings(flags: base.merging(["timezone": "Mars/Olympus"]) { $1 }, environment: [:])
        }
        do {
            _ = try RuntimeSettings(flags: base.merging(["timezone": "Mars/Olympus"]) { $1 }, environment: [:])
        } catch {
            #expect(
                error.description
                    == "--timezone (or CLAUDE_TELEMETRY_TIMEZONE) 'Mars/Olympus' is invalid: expected an IANA time zone name "
                    + "of the system's tz database, such as UTC or Europe/Berlin")
        }
    }
}
