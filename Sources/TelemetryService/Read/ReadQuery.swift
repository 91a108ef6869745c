import TelemetryRead

/// The query parameters of the read endpoints, each validated with a message naming it.
struct ReadQuery {
    let query: String

    /// The one value of `name`, nil when absent; given twice is an error (which one was meant?).
    func single(_ name: String) throws(ReadQueryError) -> String? {
        let values = Router.queryValues(name, in: query)
        guard values.count <= 1 else {
            throw .invalidParameter(name: name, value: values.joined(separator: ","), expected: "a single value")
        }
        return values.first
    }

    /// `from`, `to` and `days`, resolved against today (in `--timezone`).
    func range(today: CalendarDay) throws(ReadQueryError) -> DayRange {
        try DayRange.resolve(from: try single("from"), to: try single("to"), days: try single("days"), today: today)
    }

    /// `period=day|week|month`, nil when absent.
    func period() throws(ReadQueryError) -> Period? { try Period.parse(try single("period")) }

    /// True when the request names `from`, `to` or `days` (the CSV then covers the range, not all time).
    func namesRange() throws(ReadQueryError) -> Bool {
        let from = try single("from"), to = try single("to"), days = try single("days")
        return from != nil || to != nil || days != nil
    }

    /// A yes/no parameter such as `raw=1`: absent means no.
    func flag(_ name: String) throws(ReadQueryError) -> Bool {
        switch try single(name) {
        case nil, "0", "false": return false
        case "1", "true", "": return true
        case let other?: throw .invalidParameter(name: name, value: other, expected: "1 or 0")
        }
    }

    /// `by=user|model` of the team CSV: true for one row per model. Only the CSV takes it, and
    /// not with `group` (rows are either groups or models).
    func csvByModel(csv: Bool, group: String?) throws(ReadQueryError) -> Bool {
        guard let value = try single("by") else { return false }
        guard csv else {
            throw .invalidParameter(name: "by", value: value, expected: "nothing here (by= is for team/summary.csv)")
        }
        switch value {
        case "user": return false
        case "model":
            guard group == nil else {
                throw .invalidParameter(
                    name: "by", value: value, expected: "user when group= is given (rows are groups or models)")
            }
            return true
        default: throw .invalidParameter(name: "by", value: value, expected: "user or model")
        }
    }

    /// `group`, which must be one of the configured team attributes.
    func group(configured: [String]) throws(ReadQueryError) -> String? {
        guard let key = try single("group") else { return nil }
        guard configured.contains(key) else { throw .unknownGroup(key, configured: configured) }
        return key
    }
}
