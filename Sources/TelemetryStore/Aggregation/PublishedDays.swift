/// Days with their published figures (``PublishedDay``), oldest first: what a binary copy
/// publishes for readers. A sorted list rather than a dictionary, because its readers walk it
/// in order beside the document's own sorted days (a team summary does so for every day of
/// every user): no key is hashed, and no list is sorted again.
package struct PublishedDays: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package let day: String
        package let figures: PublishedDay
    }

    /// Oldest first, each day once.
    package private(set) var entries: [Entry]

    package init() { entries = [] }

    /// Nil unless `entries` are sorted by day, oldest first, each day once.
    init?(sorted entries: [Entry]) {
        // By index: zipping the list copied every entry (its models and names retained and
        // released) to compare two day keys.
        for index in entries.indices.dropFirst() where !(entries[index - 1].day < entries[index].day) { return nil }
        self.entries = entries
    }

    private init(keeping entries: [Entry]) { self.entries = entries }

    package var count: Int { entries.count }
    package var isEmpty: Bool { entries.isEmpty }
    /// The days, oldest first.
    package var keys: [String] { entries.map(\.day) }

    /// The day's published figures, when the list holds it.
    package subscript(day: String) -> PublishedDay? {
        let found = entries.partitioningIndex { $0.day >= day }
        return found < entries.count && entries[found].day == day ? entries[found].figures : nil
    }

    /// The entries from `day` (a key; nil: the first) on, oldest first: a slice, not a copy.
    package func entries(from day: String?) -> ArraySlice<Entry> {
        entries[(day.map { day in entries.partitioningIndex { $0.day >= day } } ?? 0)...]
    }

    /// The days `isIncluded` keeps, in the same order.
    package func filter(_ isIncluded: (String) -> Bool) -> PublishedDays {
        PublishedDays(keeping: entries.filter { isIncluded($0.day) })
    }
}
