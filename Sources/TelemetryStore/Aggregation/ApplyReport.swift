/// What one export request did to a user's aggregate. The responder turns `rejected` and
/// `errorMessage` into an OTLP partial success.
package struct ApplyReport: Equatable, Sendable {
    /// Points or records that changed figures.
    package var applied = 0
    /// Points or records that could not be used (NaN, negative counter delta, bad attribute).
    package var rejected = 0
    /// Points or records already applied before (a retried batch); counted once, not again.
    package var duplicates = 0
    /// Points of metrics this receiver does not aggregate, and points flagged as having no
    /// recorded value: accepted, not stored.
    package var ignored = 0
    /// Distinct rejection reasons, the first few only.
    package private(set) var reasons: [String] = []
    /// True when a distinct reason did not fit in ``reasons``.
    package private(set) var reasonsOmitted = false

    package init() {}

    static let reasonLimit = 5

    mutating func reject(_ reason: String) {
        rejected += 1
        guard !reasons.contains(reason) else { return }
        if reasons.count < Self.reasonLimit {
            reasons.append(reason)
        } else {
            reasonsOmitted = true
        }
    }

    /// True when the document must be written back.
    package var changedDocument: Bool { applied > 0 || rejected > 0 }

    /// The OTLP `partialSuccess.errorMessage`, or nil when nothing was rejected.
    package func errorMessage(unit: String) -> String? {
        guard rejected > 0 else { return nil }
        let more = reasonsOmitted ? "; …" : ""
        return "\(rejected) \(unit) rejected: " + reasons.joined(separator: "; ") + more
    }
}
