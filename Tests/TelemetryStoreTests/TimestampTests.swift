import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Timestamps")
struct TimestampTests {
    @Test(
        "known instants",
        arguments: [
            (UInt64(0), "1970-01-01", "1970-01-01T00:00:00.000Z"),
            (1_795_514_400_000_000_000, "2026-11-24", "2026-11-24T10:00:00.000Z"),
            (1_795_514_460_123_456_789, "2026-11-24", "2026-11-24T10:01:00.123Z"),
            (951_782_400_000_000_000, "2000-02-29", "2000-02-29T00:00:00.000Z"),
            (1_709_251_199_999_000_000, "2024-02-29", "2024-02-29T23:59:59.999Z"),
            (946_684_799_999_999_999, "1999-12-31", "1999-12-31T23:59:59.999Z"),
            (4_102_444_800_000_000_000, "2100-01-01", "2100-01-01T00:00:00.000Z"),
            (UInt64.max, "2554-07-21", "2554-07-21T23:34:33.709Z"),
        ])
    func known(nanoseconds: UInt64, day: String, iso: String) {
        let timestamp = Timestamp(nanoseconds: nanoseconds)
        #expect(timestamp.day == day)
        #expect(timestamp.iso8601 == iso)
        #expect(timestamp.description == iso)
    }

    @Test("agrees with Foundation's calendar over a wide range")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let millis = UInt64.random(in: 0...(4_000_000_000_000), using: &generator)
            let timestamp = Timestamp(nanoseconds: millis * 1_000_000)
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
            #expect(timestamp.iso8601 == expected)
        }
    }

    @Test("seconds, ordering and now")
    func basics() {
        #expect(Timestamp(seconds: 1_795_514_400) == Timestamp(nanoseconds: 1_795_514_400_000_000_000))
        #expect(Timestamp(nanoseconds: 1) < Timestamp(nanoseconds: 2))
        let now = Timestamp.now()
        let wall = UInt64(Date().timeIntervalSince1970 * 1e9)
        #expect(now.nanoseconds > 1_700_000_000_000_000_000)
        #expect(now.nanoseconds <= wall + 1_000_000_000 && now.nanoseconds + 60_000_000_000 >= wall)
    }
}
