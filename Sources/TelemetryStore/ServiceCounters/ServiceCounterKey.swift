/// What one of the service's own counters counts (``ServiceCounterKey/family``) and for which
/// labels: the responders count every request they answer, summed at scrape time over every
/// process's file (see ``ServiceCounterSlot``).
package enum ServiceCounterFamily: UInt8, Sendable, CaseIterable {
    /// Requests answered, by route and HTTP status.
    case requests = 1
    /// Data requests (POSTs, and connections refused before their method was read) refused,
    /// by reason (`unauthorized`, `too_large`, `storage_busy`, …).
    case refused = 2
    /// Data points, log records and spans rejected inside partial successes.
    case rejectedPoints = 3
    case rejectedRecords = 4
    case rejectedSpans = 5
    /// Requests kept in the parked area, by source (`installation`, `unknown_user`).
    case parked = 6
    /// Parked requests added to a user by `claude-telemetry user claim`.
    case claimed = 7
    /// The request-duration histogram: one counter per bucket (label: the bucket's index in
    /// ``ServiceCounterKey/durationBounds``), its sum in microseconds, its count.
    case durationBucket = 8
    case durationSumMicroseconds = 9
    case durationCount = 10
}

/// One counter: a family and up to two label values (their names are the family's).
package struct ServiceCounterKey: Hashable, Sendable, Comparable {
    package let family: ServiceCounterFamily
    package let first: String
    package let second: String

    /// Label values longer than this are cut (routes and reasons are short, fixed names).
    package static let maxLabelBytes = 120

    package init(_ family: ServiceCounterFamily, _ first: String = "", _ second: String = "") {
        self.family = family
        self.first = Self.bounded(first)
        self.second = Self.bounded(second)
    }

    /// Every reason a data request can be refused for (``ServiceCounterFamily/refused``): each
    /// is exposed from the start, at 0 until it happens, so that `increase()` and alerts see the
    /// first refusal (a series that appears with its first value shows no increase).
    package static let refusalReasons = [
        "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "timeout", "length_required",
        "too_large", "unsupported_media_type", "headers_too_large", "internal", "unavailable", "memory_budget",
        "storage_busy", "storage_unavailable", "storage_needs_operator", "parking_full",
    ]

    /// The request-duration buckets' upper bounds in seconds (`+Inf` is the last bucket).
    package static let durationBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The bucket a request of `microseconds` falls in (index into ``durationBounds``, or its count for `+Inf`).
    package static func durationBucket(microseconds: Int) -> Int {
        let seconds = Double(microseconds) / 1_000_000
        return durationBounds.firstIndex { seconds <= $0 } ?? durationBounds.count
    }

    package static func < (lhs: ServiceCounterKey, rhs: ServiceCounterKey) -> Bool {
        (lhs.family.rawValue, lhs.first, lhs.second) < (rhs.family.rawValue, rhs.first, rhs.second)
    }

    private static func bounded(_ text: String) -> String {
        guard text.utf8.count > maxLabelBytes else { return text }
        return String(decoding: text.utf8.prefix(maxLabelBytes), as: UTF8.self)
    }
}

/// A counter's value and when it started (Unix milliseconds): the OpenMetrics `_created`.
package struct ServiceCounterValue: Equatable, Sendable {
    package var value: UInt64
    package var createdMilliseconds: UInt64

    package init(value: UInt64, createdMilliseconds: UInt64) {
        self.value = value
        self.createdMilliseconds = createdMilliseconds
    }
}
