/// The series one update touched and removed, in order, so that its journal record is made
/// from them instead of by comparing the whole series table with the one before (which would
/// also have to be kept: a copy of every series on every write).
///
/// Bookkeeping of the update in progress, not part of the document's value: two documents are
/// equal whatever their logs hold, and the log is never stored. ``AggregateStore/update(_:_:)``
/// empties it before each update.
struct SeriesLog: Equatable, Sendable {
    var touched: [UInt64] = []
    var removed: [UInt64] = []

    static func == (_: SeriesLog, _: SeriesLog) -> Bool { true }
}
