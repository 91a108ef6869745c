import Foundation

/// The time zone in which days are cut (`--timezone`), and so weeks and months: a point's day
/// bucket, "today" of a read, and the periods of a budget. UTC is plain arithmetic; any other
/// zone is an IANA name that must exist in the system's tz database (`/usr/share/zoneinfo`, or
/// `TZDIR`), whose offsets (daylight saving included) Foundation's `TimeZone` gives.
package struct DayZone: Sendable, Equatable, CustomStringConvertible {
    package static let utc = DayZone(utcNamed: "UTC")

    /// The name as configured, e.g. `America/Los_Angeles`.
    package let identifier: String
    /// nil for UTC, whose offset is always 0.
    private let zone: TimeZone?

    private init(utcNamed name: String) { self.init(identifier: name, zone: nil) }

    private init(identifier: String, zone: TimeZone?) {
        self.identifier = identifier
        self.zone = zone
    }

    /// The zone named `identifier`; nil when the name is not a zone of the tz database.
    package init?(identifier: String) {
        if identifier == "UTC" || identifier == "Etc/UTC" {
            self.init(utcNamed: identifier)
            return
        }
        guard Self.isDatabaseName(identifier), let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(identifier: identifier, zone: zone)
    }

    package var description: String { identifier }

    package static func == (lhs: DayZone, rhs: DayZone) -> Bool { lhs.identifier == rhs.identifier }

    /// Seconds to add to UTC to get the local time at `seconds` since the epoch.
    package func offset(atSecond seconds: Int64) -> Int64 {
        guard let zone else { return 0 }
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// The local day number (days since 1970-01-01) of the instant `seconds` since the epoch.
    package func dayNumber(atSecond seconds: Int64) -> Int64 {
        let local = seconds + offset(atSecond: seconds)
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    /// The local calendar day of `timestamp`, `YYYY-MM-DD`.
    package func day(of timestamp: Timestamp) -> String {
        CivilDate(days: dayNumber(atSecond: Int64(clamping: timestamp.seconds))).text
    }

    /// True when `name` is a plain relative path naming a regular file of the tz database.
    static func isDatabaseName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix("/"),
            !name.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
                $0.isEmpty || $0 == "." || $0 == ".."
            }),
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789/_-+".unicodeScalars.contains($0))
            })
        else { return false }
        let directory = ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
