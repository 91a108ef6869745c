package import TelemetryStore

/// What the cost bought, from one set of figures: cost per commit, per pull request and per
/// 100 lines added, the share of edit decisions accepted, and the cache-read share of the
/// input-side tokens (`cacheRead / (input + cacheRead + cacheCreation)`). Each is nil when its
/// denominator is 0, so "no commits" never reads as "free commits".
package struct Outcomes: Equatable, Sendable {
    package let costPerCommitUsd: Double?
    package let costPerPullRequestUsd: Double?
    package let costPer100LinesAddedUsd: Double?
    /// Accepted / (accepted + rejected) edit decisions, 0…1.
    package let editAcceptance: Double?
    /// 0…1.
    package let cacheReadShare: Double?

    package static let columns = [
        "costPerCommitUsd", "costPerPullRequestUsd", "costPer100LinesAddedUsd", "editAcceptance", "cacheReadShare",
    ]

    package init(_ f: PublishedTotals) {
        let cost = f.amount(.totalTokenCostUsd)
        costPerCommitUsd = f.count(.aiAssistedCommits) > 0 ? cost / Double(f.count(.aiAssistedCommits)) : nil
        costPerPullRequestUsd = f.count(.prsCreated) > 0 ? cost / Double(f.count(.prsCreated)) : nil
        costPer100LinesAddedUsd = f.count(.totalLinesAdded) > 0 ? cost * 100 / Double(f.count(.totalLinesAdded)) : nil
        let decisions = Double(f.count(.editsAccepted)) + Double(f.count(.editsRejected))
        editAcceptance = decisions > 0 ? Double(f.count(.editsAccepted)) / decisions : nil
        cacheReadShare = Self.cacheReadShare(
            input: f.count(.totalInputTokens), cacheRead: f.count(.totalCacheReadTokens),
            cacheCreation: f.count(.totalCacheCreationTokens))
    }

    package static func cacheReadShare(input: Int64, cacheRead: Int64, cacheCreation: Int64) -> Double? {
        let inputSide = Double(input) + Double(cacheRead) + Double(cacheCreation)
        return inputSide > 0 ? Double(cacheRead) / inputSide : nil
    }

    /// CSV cells in ``columns`` order; an undefined ratio is an empty cell.
    var cells: [String] {
        [costPerCommitUsd, costPerPullRequestUsd, costPer100LinesAddedUsd, editAcceptance, cacheReadShare].map {
            $0.map(DecimalText.plain) ?? ""
        }
    }

    /// As a JSON object, keys sorted; an undefined ratio is null.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        for (key, value) in [
            ("cacheReadShare", cacheReadShare), ("costPer100LinesAddedUsd", costPer100LinesAddedUsd),
            ("costPerCommitUsd", costPerCommitUsd), ("costPerPullRequestUsd", costPerPullRequestUsd),
            ("editAcceptance", editAcceptance),
        ] {
            w.key(key)
            if let value { w.number(value) } else { w.null() }
        }
        w.endObject()
    }
}
