/// What the update in progress wrote and removed: the series it touched and removed, in order,
/// and the keys of every map entry it wrote or removed. Its journal record is made from these
/// instead of by comparing the whole document with the one before — which would also have to
/// be kept, so every map an update writes (400 days, 3 774 series) would be copied on every
/// write and then compared entry by entry.
///
/// Bookkeeping of the update in progress, not part of the document's value: two documents are
/// equal whatever their logs hold, and the log is never stored. ``AggregateStore/update(_:_:)``
/// empties it before each update. Every change an update makes to a map goes through the
/// document's own methods, which log it (the maps cannot be set from outside this module);
/// debug builds replay each record onto the document it was made from and require the result.
struct UpdateLog: Equatable, Sendable {
    var touchedSeries: [UInt64] = []
    var removedSeries: [UInt64] = []
    var days: Set<String> = []
    var dayModels: Set<String> = []
    var models: Set<String> = []
    var tools: Set<String> = []
    var querySources: Set<String> = []
    var events: Set<String> = []
    var sessions: Set<String> = []
    var latency: Set<String> = []
    var toolDurations: Set<String> = []

    static func == (_: UpdateLog, _: UpdateLog) -> Bool { true }
}
