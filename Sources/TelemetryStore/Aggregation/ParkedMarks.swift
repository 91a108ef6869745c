/// Per source (installation or unknown user id), the highest parked-request sequence already
/// applied to this user. It changes in the same document write as the figures that request
/// added, so a claim cut short at any instant — before or after that write, before or after
/// the log is deleted — and run again skips exactly the requests already counted, however
/// many other requests arrived in between (the request window holds only the latest ones).
///
/// Bounded: a mark matters only while its source's log still exists (sequences are never
/// reused), so beyond ``capacity`` the lowest marks, the oldest claims, are forgotten.
package struct ParkedMarks: Equatable, Sendable {
    package static let capacity = 64

    package private(set) var highest: [String: UInt64] = [:]

    package init() {}

    package var isEmpty: Bool { highest.isEmpty }

    /// True when `sequence` of `source` (or a later one) was applied.
    package func covers(_ source: String, _ sequence: UInt64) -> Bool {
        guard let mark = highest[source] else { return false }
        return sequence <= mark
    }

    package mutating func record(_ source: String, _ sequence: UInt64) {
        highest[source] = max(highest[source] ?? 0, sequence)
        while highest.count > Self.capacity, let lowest = highest.min(by: { $0.value < $1.value }) {
            highest[lowest.key] = nil
        }
    }
}
