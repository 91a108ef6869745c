import SystemCalls
import TelemetryDecoding

extension InstallationAttribution {
    /// What one claim folded into the user's document.
    package struct ClaimReport: Equatable, Sendable {
        /// Parked requests read, including those an interrupted earlier claim already applied.
        package var requests = 0
        /// Of those, the ones the user's document marks as applied already (``ParkedMarks``).
        package var alreadyCounted = 0
        package var applied = 0
        package var rejected = 0
        package var duplicates = 0
        /// With `--move`: the user the source was bound to before.
        package var movedFrom: UserID?
        package init() {}
    }

    /// How much of a claim runs under the source's stripe at a time: requests of sources
    /// sharing the stripe wait at most this long (a few hundred milliseconds), never the
    /// whole claim.
    package struct ClaimChunk: Sendable {
        package var maxRecords = 64
        package var maxMilliseconds: UInt64 = 250
        package init() {}
    }

    /// Folds every request parked for `source` into `user`'s document, in arrival order,
    /// through the normal ingest path, then binds the source to `user` so later requests go
    /// there directly. Exactly once however it is interrupted: each request's sequence is
    /// marked in the same write that applies it, and the binding is written last, only once
    /// everything is in. A source bound to another user needs `move` (then only the binding
    /// moves; what the other user already has stays there). Binding a source with nothing
    /// parked is allowed (it then attributes the first request).
    package func claim(
        _ source: ParkedSource, for user: UserID, move: Bool = false, now: Timestamp = .now(),
        chunk: ClaimChunk = ClaimChunk()
    ) throws -> ClaimReport {
        guard ingestor.users.exists(user) else { throw IngestError.unknownUser(user) }
        try prepare()
        var report = ClaimReport()
        var offset = 0
        var generation: UInt64? = nil
        while true {
            let stripe = try lockStripe(source)
            if let other = try boundUser(source), other != user {
                guard move else { throw AttributionError.boundElsewhere(source, other) }
                report.movedFrom = other
            }
            let entry = try ParkedIndex.read(directory).installations[source.rawValue]
            if entry?.generation != generation {
                // Rewritten (expired, discarded) or new since the last chunk: the marks skip
                // whatever this claim applied already.
                offset = 0
                generation = entry?.generation
            }
            let length = entry?.length ?? 0
            let batch = try foldLocked(
                source, into: user, from: offset, maxRecords: chunk.maxRecords, budgetMilliseconds: chunk.maxMilliseconds,
                now: now)
            report.add(batch.report)
            offset = batch.end
            // Nothing left, or nothing readable left (a log deleted by a claim cut short just
            // before its index entry): done either way.
            if offset >= length || batch.report.requests == 0 {
                try dropLocked(source)
                try bindLocked(source, to: user, origin: .claim, now: now)
                _ = consume stripe
                return report
            }
            _ = consume stripe
        }
    }

    package func claim(_ installation: InstallationID, for user: UserID, now: Timestamp = .now()) throws -> ClaimReport {
        try claim(.installation(installation), for: user, now: now)
    }

    /// Applies the source's parked requests from `offset`, at most `maxRecords` of them or for
    /// about `budgetMilliseconds`. The caller holds the source's stripe.
    func foldLocked(
        _ source: ParkedSource, into user: UserID, from offset: Int, maxRecords: Int,
        budgetMilliseconds: UInt64 = .max, now: Timestamp
    ) throws -> (report: ClaimReport, end: Int) {
        let length = try ParkedIndex.read(directory).installations[source.rawValue]?.length ?? 0
        let path = directory.parkedLogPath(source)
        let started = Timestamp.now().nanoseconds
        var report = ClaimReport()
        var end = offset
        for record in try ParkedLog.read(path, from: offset, upTo: length, maxRecords: maxRecords) {
            let request = try parkedRequest(record, path: path)
            let plain = try ingestor.decoder.inflate(request.body, encoding: request.encoding)
            let export = try ingestor.decoder.decode(request.signal, plain, format: request.format, encoding: .identity)
            let applied = try ingestor.applyParked(
                export, request: RequestIdentity(signal: request.signal, format: request.format, plainBody: plain),
                user: user, source: source.rawValue, sequence: record.sequence, now: now)
            report.requests += 1
            if let applied {
                report.applied += applied.applied
                report.rejected += applied.rejected
                report.duplicates += applied.duplicates
            } else {
                report.alreadyCounted += 1
            }
            end = record.end
            if (Timestamp.now().nanoseconds &- started) / 1_000_000 >= budgetMilliseconds { break }
        }
        return (report, end)
    }

    /// What a claim of `source` would add (`user claim --dry-run`, `unclaimed`): its parked
    /// requests folded into an empty document. With `user`, the requests that user's document
    /// marks as applied already are left out and counted apart. Changes nothing.
    package func preview(_ source: ParkedSource, for user: UserID? = nil) throws -> ClaimPreview {
        var preview = ClaimPreview()
        guard let entry = try ParkedIndex.read(directory).installations[source.rawValue] else { return preview }
        let marks =
            try user.flatMap { user throws(StorageError) in try ingestor.store.read(user)?.parkedApplied } ?? ParkedMarks()
        var document = AggregateDocument(user: user ?? UserID.random(), limits: ingestor.metrics.limits)
        let path = directory.parkedLogPath(source)
        for record in try ParkedLog.read(path, from: 0, upTo: entry.length) {
            preview.requests += 1
            if marks.covers(source.rawValue, record.sequence) {
                preview.alreadyCounted += 1
                continue
            }
            let request = try parkedRequest(record, path: path)
            let plain = try ingestor.decoder.inflate(request.body, encoding: request.encoding)
            switch try ingestor.decoder.decode(request.signal, plain, format: request.format, encoding: .identity) {
            case .metrics(let batch): _ = ingestor.metrics.apply(batch, to: &document, now: request.receivedAt)
            case .logs(let batch): _ = ingestor.logs.apply(batch, to: &document, now: request.receivedAt)
            case .traces(let batch): _ = ingestor.traces.apply(batch, to: &document, now: request.receivedAt)
            }
        }
        let totals = PublishedTotals(document.totals, document.sourceSelection)
        preview.sessions = Int(totals.count(.totalSessions))
        preview.inputTokens = Int(totals.count(.totalInputTokens))
        preview.outputTokens = Int(totals.count(.totalOutputTokens))
        preview.cacheReadTokens = Int(totals.count(.totalCacheReadTokens))
        preview.cacheCreationTokens = Int(totals.count(.totalCacheCreationTokens))
        preview.costUsd = totals.amount(.totalTokenCostUsd)
        return preview
    }

    /// Stops attributing `source` to `user`: its later requests are parked again. Data already
    /// counted stays with the user. Throws ``AttributionError/notBound(_:_:)`` when the source
    /// is not bound to `user`.
    package func unbind(_ source: ParkedSource, from user: UserID) throws {
        let stripe = try lockStripe(source)
        defer { _ = stripe.path }
        let binding = try InstallationBinding.read(directory, source)
        guard binding?.user == user.rawValue else {
            throw AttributionError.notBound(source, binding.flatMap { try? UserID(validating: $0.user) })
        }
        let path = directory.bindingPath(source)
        do {
            try FileSystem.removeFile(path)
        } catch {
            throw error.storage("remove", path)
        }
        if configuration.durable { try? FileSystem.syncDirectory(directory.bindingsDirectory) }
    }
}

/// The figures a claim would add to a user (`user claim --dry-run`, `unclaimed`).
package struct ClaimPreview: Codable, Equatable, Sendable {
    package var requests = 0
    package var alreadyCounted = 0
    package var sessions = 0
    package var inputTokens = 0
    package var outputTokens = 0
    package var cacheReadTokens = 0
    package var cacheCreationTokens = 0
    package var costUsd = 0.0

    package init() {}

    package var tokens: Int { inputTokens + outputTokens + cacheReadTokens + cacheCreationTokens }
}

extension InstallationAttribution.ClaimReport {
    mutating func add(_ other: Self) {
        requests += other.requests
        alreadyCounted += other.alreadyCounted
        applied += other.applied
        rejected += other.rejected
        duplicates += other.duplicates
    }
}
