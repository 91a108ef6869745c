package import TelemetryStore

/// The inclusive span of days (cut in `--timezone`) a summary covers (`?from=YYYY-MM-DD&to=YYYY-MM-DD`).
/// Without parameters it is the last 30 days up to today, the window people look at most.
package struct DayRange: Equatable, Sendable {
    package let from: CalendarDay
    package let to: CalendarDay
    /// Bucket keys compared as text: `YYYY-MM-DD` sorts like the days it names.
    package let fromKey: String
    package let toKey: String

    /// Days covered when the query names no start.
    package static let defaultDays: Int64 = 30
    /// The longest range a query may ask for (as many days as a document keeps by default).
    package static let maximumDays: Int64 = 400

    package init(from: CalendarDay, to: CalendarDay) {
        self.from = from
        self.to = to
        fromKey = from.description
        toKey = to.description
    }

    /// Resolves `from`, `to` and `days` (as sent, nil when absent) against `today`. `to`
    /// defaults to today and `from` to `days` - 1 (29 by default) days before `to`, so a page
    /// asking for "the last 7 days" gets them in the server's time zone. Throws naming the
    /// parameter to fix.
    package static func resolve(
        from fromText: String?, to toText: String?, days daysText: String? = nil, today: CalendarDay
    ) throws(ReadQueryError) -> DayRange {
        var to = today
        if let toText {
            guard let day = CalendarDay(toText) else { throw .invalidDate(parameter: "to", value: toText) }
            to = day
        }
        var length = defaultDays
        if let daysText {
            guard daysText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let count = Int64(daysText),
                (1...maximumDays).contains(count)
            else {
                throw .invalidParameter(
                    name: "days", value: daysText, expected: "a whole number of days from 1 to \(maximumDays)")
            }
            length = count
        }
        var from = to.adding(days: -(length - 1))
        if let fromText {
            guard let day = CalendarDay(fromText) else { throw .invalidDate(parameter: "from", value: fromText) }
            from = day
        }
        guard from <= to else { throw .fromAfterTo(from: from.description, to: to.description) }
        let days = to.ordinal - from.ordinal + 1
        guard days <= maximumDays else { throw .rangeTooLong(days: days, maximum: maximumDays) }
        return DayRange(from: from, to: to)
    }

    /// The range of the same length that ends the day before this one starts: what a trend
    /// compares against.
    package var previous: DayRange {
        let length = to.ordinal - from.ordinal + 1
        return DayRange(from: from.adding(days: -length), to: from.adding(days: -1))
    }

    /// The range of one period bucket.
    package init(_ bucket: Period.Bucket) { self.init(from: bucket.from, to: bucket.to) }

    /// Every day's key, oldest first.
    package var dayKeys: [String] {
        guard from <= to else { return [] }
        return (0...(to.ordinal - from.ordinal)).map { from.adding(days: $0).description }
    }

    /// True when the bucket key `day` lies in the range.
    package func contains(_ day: String) -> Bool { day >= fromKey && day <= toKey }

    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("from"); w.string(fromKey)
        w.key("to"); w.string(toKey)
        w.endObject()
    }
}
