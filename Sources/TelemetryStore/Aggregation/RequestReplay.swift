package import TelemetryDecoding

/// Recognises a whole export request sent again, before any of it is applied.
///
/// Records and points are also recognised one by one (log-record digests, the recent point
/// times of each delta series, cumulative readings), but those windows are bounded, and a
/// single request can hold more than they keep: applying its retry would push out the very
/// entries the retry is about to meet, and all of it would count twice. So every request
/// that changes the document leaves the digest of its decompressed body in
/// ``AggregateDocument/recentRequests``, and a request whose digest is there is a replay as a
/// whole: nothing of it is applied, what it would apply is reported as duplicates (its
/// rejections as rejections, as the first time), and the file is not written. One entry per
/// request, however large, so no accepted request can overflow it.
///
/// The digest covers the signal, the format and the body after decompression: exporters retry
/// the same bytes, and may compress them again differently (a gzip header carries a time).
/// Two requests with the same decompressed body hold the same records and points, which the
/// per-item rules would also count once, so the shortcut never drops new data.
package struct RequestIdentity: Equatable, Sendable {
    let digest: UInt64

    package init(signal: Signal, format: PayloadFormat, plainBody: [UInt8]) {
        // The signal and the format are part of what was sent: the same bytes as another kind of
        // request are another request.
        var seed = StableHash()
        seed.combine(signal.rawValue)
        seed.combine(format.rawValue)
        digest = BodyDigest.of(plainBody, seed: seed.value)
    }
}

extension AggregateDocument {
    /// Runs `apply` unless `request` was applied within the request window, and remembers it
    /// when it changed the document. `write` says whether the document must be written.
    ///
    /// A replay is answered as its first copy was, but with nothing applied: `apply` runs once
    /// more on an empty document, which finds the same rejections (they depend on the values
    /// alone) and the same ignored points; everything it would apply is reported as a duplicate.
    /// That costs the request's own size, and only for replays; the stored document is not touched.
    mutating func applyOnce(
        _ request: RequestIdentity, now: Timestamp, limits: AggregationLimits,
        _ apply: (inout AggregateDocument) -> ApplyReport
    ) -> (ApplyReport, write: Bool) {
        if recentRequests.contains(request.digest) {
            // The user plays no part in what a request rejects.
            var scratch = AggregateDocument(user: (try? UserID(validating: userId)) ?? UserID.random(), limits: limits)
            var report = apply(&scratch)
            report.duplicates += report.applied
            report.applied = 0
            return (report, false)
        }
        let report = apply(&self)
        if report.changedDocument {
            recentRequests.prune(receivedBefore: now.seconds &- min(now.seconds, limits.replayWindowSeconds))
            recentRequests.insert(request.digest, at: now.seconds)
        }
        return (report, report.changedDocument)
    }
}
