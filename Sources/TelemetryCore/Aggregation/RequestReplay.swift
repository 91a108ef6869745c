/// Recognises a whole export request sent again, before any of it is applied.
///
/// Records and points are also recognised one by one (log-record digests, the recent point
/// times of each delta series, cumulative readings), but those windows are bounded, and a
/// single request can hold more than they keep: applying its retry would push out the very
/// entries the retry is about to meet, and all of it would count twice. So every request
/// that changes the document leaves the digest of its decompressed body in
/// ``AggregateDocument/recentRequests``, and a request whose digest is there is a replay as a
/// whole: nothing of it is applied, every item is reported as a duplicate, and the file is not
/// written. One entry per request, however large, so no accepted request can overflow it.
///
/// The digest covers the signal, the format and the body after decompression: exporters retry
/// the same bytes, and may compress them again differently (a gzip header carries a time).
/// Two requests with the same decompressed body hold the same records and points, which the
/// per-item rules would also count once, so the shortcut never drops new data.
struct RequestIdentity: Equatable, Sendable {
    let digest: UInt64

    init(signal: Signal, format: PayloadFormat, plainBody: [UInt8]) {
        let seed: UInt64 = (signal == .metrics ? 1 : 2) | (format == .protobuf ? 4 : 8)
        digest = BodyDigest.of(plainBody, seed: seed)
    }
}

extension AggregateDocument {
    /// Runs `apply` unless `request` was applied within the request window, and remembers it
    /// when it changed the document. `items` is the request's number of points or records.
    mutating func applyOnce(_ request: RequestIdentity, items: Int, now: Timestamp, limits: AggregationLimits,
                                   _ apply: (inout AggregateDocument) -> ApplyReport) -> ApplyReport {
        if recentRequests.contains(request.digest) {
            var report = ApplyReport()
            report.duplicates = items
            return report
        }
        let report = apply(&self)
        if report.changedDocument {
            recentRequests.prune(receivedBefore: now.seconds &- min(now.seconds, limits.replayWindowSeconds))
            recentRequests.insert(request.digest, at: now.seconds)
        }
        return report
    }
}

extension MetricsBatch {
    /// Data points in the request, of every metric.
    var totalPointCount: Int {
        var total = 0
        for resource in resourceMetrics {
            for scope in resource.scopeMetrics {
                for metric in scope.metrics { total += metric.pointCount }
            }
        }
        return total
    }
}

extension LogsBatch {
    /// Log records in the request.
    var totalRecordCount: Int {
        var total = 0
        for resource in resourceLogs {
            for scope in resource.scopeLogs { total += scope.logRecords.count }
        }
        return total
    }
}
