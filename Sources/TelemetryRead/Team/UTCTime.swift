import TelemetryStore

/// Reads the UTC times this service writes (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff]Z`) into
/// seconds since the epoch, without Foundation's formatters (a scrape converts one per user).
enum UTCTime {
    /// `YYYY-MM-DD` as a date, nil unless it is a real calendar date.
    static func date(_ text: String) -> CivilDate? { CivilDate(text) }

    /// Seconds since the epoch of an ISO 8601 UTC time as written by the service, with fraction.
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes.last == UInt8(ascii: "Z"),
            let date = CivilDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = CivilDate.number(bytes[11..<13]), let minute = CivilDate.number(bytes[14..<16]),
            let second = CivilDate.number(bytes[17..<19]), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), let digits = CivilDate.number(bytes[20..<(bytes.count - 1)]) else { return nil }
            fraction = Double(digits) / pow10(bytes.count - 21)
        }
        let whole = Int(date.days) * 86_400 + hour * 3600 + minute * 60 + second
        return Double(whole) + fraction
    }

    /// The day `offset` days away from a `YYYY-MM-DD` date.
    static func day(_ text: String, plus offset: Int) -> String? {
        guard let date = CivilDate(text) else { return nil }
        return CivilDate(days: date.days + Int64(offset)).text
    }

    private static func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
