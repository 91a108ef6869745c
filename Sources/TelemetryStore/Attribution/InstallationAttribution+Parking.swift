import SystemCalls

extension InstallationAttribution {
    /// The key a client address's share is counted under: `REMOTE_ADDR` as the web server
    /// passed it (printable, bounded), or `local` for requests that arrived without one.
    static func addressKey(_ address: String?) -> String {
        guard let address, !address.isEmpty else { return "local" }
        return UserID.preview(address.prefix(64))
    }

    /// Appends one request to its source's log, within every bound. The caller holds the
    /// source's stripe; the index lock is held here for the checks, the append and the index
    /// write only.
    func parkLocked(
        _ request: ParkedRequest, source: ParkedSource, identity: ExportIdentity, address: String?,
        now: Timestamp
    ) throws {
        let indexLock = try lockIndex()
        defer { _ = indexLock.path }
        var index = try ParkedIndex.read(directory)
        var changed = try expireLocked(&index, holding: source.stripe, cutoff: expiryCutoff(now))
        let key = Self.addressKey(address)
        let sharesBefore = index.addresses.count
        index.pruneShares(nowSeconds: now.seconds, windowSeconds: limits.shareWindowSeconds, limit: limits.maxAddresses)
        changed = changed || index.addresses.count != sharesBefore
        var share = index.addresses[key] ?? AddressShare(windowStartSeconds: now.seconds)
        let existing = index.installations[source.rawValue]
        let frame = ParkedLog.frame(sequence: index.parkedEver, payload: request.encoded)
        // What the log will take on disk: whole blocks.
        let length = (existing?.length ?? 0) + frame.count
        let cost = max(0, (length + 4095) / 4096 * 4096 - (existing?.bytes ?? 0))
        let minutes = limits.shareWindowSeconds / 60
        var refusal: String?
        if existing == nil && index.installations.count >= limits.maxInstallations {
            refusal = "\(limits.maxInstallations) installations already have parked data"
        } else if existing == nil && share.newSources >= limits.maxNewInstallationsPerAddress {
            refusal =
                "client address \(key) started parking for \(share.newSources) installations in the last \(minutes) minutes, "
                + "the limit is \(limits.maxNewInstallationsPerAddress)"
        } else if share.bytes + cost > limits.maxBytesPerAddress {
            refusal =
                "client address \(key) parked \(share.bytes) bytes in the last \(minutes) minutes, the limit is \(limits.maxBytesPerAddress)"
        } else if (existing?.bytes ?? 0) + cost > limits.maxBytesPerInstallation {
            refusal =
                "this installation already has \(existing?.bytes ?? 0) bytes parked, the limit is \(limits.maxBytesPerInstallation)"
        } else if index.totalBytes + cost > limits.maxTotalBytes {
            refusal = "\(index.totalBytes) bytes are parked in all, the limit is \(limits.maxTotalBytes)"
        }
        if let refusal {
            if changed { try index.write(directory, durable: configuration.durable) }
            throw AttributionError.parkingFull(refusal, retryAfterSeconds: limits.retryAfterSeconds)
        }
        let (newLength, allocated) = try ParkedLog.append(
            frame, to: directory.parkedLogPath(source), validLength: existing?.length ?? 0,
            durable: configuration.durable)
        var entry =
            existing
            ?? ParkedInstallation(
                installation: source.rawValue, firstSeen: now.iso8601, lastSeen: now.iso8601, requests: 0, bytes: 0,
                email: nil, facts: MachineFacts(), length: 0, oldestReceivedNanoseconds: now.nanoseconds,
                generation: index.parkedEver, address: key)
        share.bytes += max(0, allocated - entry.bytes)
        if existing == nil { share.newSources += 1 }
        entry.requests += 1
        entry.bytes = allocated
        entry.length = newLength
        entry.lastSeen = now.iso8601
        entry.email = entry.email ?? identity.email.map { UserID.preview($0.prefix(254)) }
        entry.facts = MachineFacts(
            serviceVersion: identity.facts.serviceVersion ?? entry.facts.serviceVersion,
            osType: identity.facts.osType ?? entry.facts.osType,
            hostArch: identity.facts.hostArch ?? entry.facts.hostArch,
            terminalType: identity.facts.terminalType ?? entry.facts.terminalType)
        index.installations[source.rawValue] = entry
        index.addresses[key] = share
        index.parkedEver += 1
        if case .namedUser = source { index.unknownUserParkedEver += 1 }
        try index.write(directory, durable: configuration.durable)
    }

    func expiryCutoff(_ now: Timestamp) -> UInt64 {
        let maxAge = limits.maxAgeSeconds &* 1_000_000_000
        return now.nanoseconds > maxAge ? now.nanoseconds - maxAge : 0
    }

    /// Deletes parked requests received before `cutoff`, oldest first, from every source whose
    /// stripe is `holding` or free at once (a busy one is left for later: waiting here, under
    /// the index lock, could deadlock with its holder). True when it changed `index`.
    func expireLocked(_ index: inout ParkedIndex, holding: Int, cutoff: UInt64) throws(StorageError) -> Bool {
        var changed = false
        for (key, entry) in index.installations where entry.oldestReceivedNanoseconds < cutoff {
            guard let source = ParkedSource(key) else { continue }
            var other: FileLock? = nil
            if source.stripe != holding {
                do {
                    other = try lockStripe(source, timeoutMilliseconds: 0)
                } catch {
                    continue
                }
            }
            try trimLocked(source, entry: entry, cutoff: cutoff, generation: index.parkedEver, into: &index)
            _ = consume other
            changed = true
        }
        return changed
    }

    /// Rewrites a source's log without the requests received before `cutoff` (deleting it when
    /// none is left) and updates its entry. The caller holds its stripe and the index lock.
    /// Returns the requests kept, and the requests and bytes removed.
    @discardableResult
    func trimLocked(
        _ source: ParkedSource, entry: ParkedInstallation, cutoff: UInt64, generation: UInt64,
        into index: inout ParkedIndex
    ) throws(StorageError) -> (kept: Int, removedRequests: Int, removedBytes: Int) {
        let path = directory.parkedLogPath(source)
        let records = try ParkedLog.read(path, from: 0, upTo: entry.length)
        var kept: [UInt8] = []
        var keptCount = 0
        var oldest = UInt64.max
        for record in records {
            let received = try parkedRequest(record, path: path).receivedAt.nanoseconds
            guard received >= cutoff else { continue }
            kept += ParkedLog.frame(sequence: record.sequence, payload: record.payload)
            keptCount += 1
            oldest = min(oldest, received)
        }
        let removed = records.count - keptCount
        if keptCount == 0 {
            do {
                try FileSystem.removeFile(path)
            } catch {
                if error != .noSuchFileOrDirectory { throw error.storage("remove", path) }
            }
            index.installations[source.rawValue] = nil
            return (0, removed, entry.bytes)
        }
        guard removed > 0 else { return (keptCount, 0, 0) }
        try AtomicFile.replace(path, with: kept, durable: configuration.durable)
        var updated = entry
        updated.requests = keptCount
        updated.length = kept.count
        updated.bytes = ParkedLog.allocatedBytes(path)
        updated.oldestReceivedNanoseconds = oldest
        // A claim between two chunks notices the rewrite and reads from the start again.
        updated.generation = generation
        index.installations[source.rawValue] = updated
        return (keptCount, removed, entry.bytes - updated.bytes)
    }

    func parkedRequest(_ record: ParkedLog.Record, path: String) throws(StorageError) -> ParkedRequest {
        do {
            return try ParkedRequest(decoding: record.payload)
        } catch {
            throw .corrupt(path: path, reason: "record \(record.sequence): \(error.reason)")
        }
    }

    /// What `claude-telemetry unclaimed discard` removes.
    package enum DiscardSelection: Equatable, Sendable {
        case source(ParkedSource)
        /// Requests received more than this many days ago.
        case olderThan(days: Int)
        case all
    }

    /// One source's part of a discard.
    package struct Discarded: Equatable, Sendable, Codable {
        package var installation: String
        package var requests: Int
        package var bytes: Int
    }

    /// Deletes parked data (or, with `dryRun`, only says what it would delete). Each source is
    /// handled under its stripe and the index lock, so a request being parked or a claim in
    /// progress is never cut in half.
    package func discard(_ selection: DiscardSelection, dryRun: Bool, now: Timestamp = .now()) throws -> [Discarded] {
        try convertLegacyParkedArea()
        let entries = try ParkedIndex.read(directory).installations
        let cutoff: UInt64
        let keys: [String]
        switch selection {
        case .source(let source):
            guard entries[source.rawValue] != nil else { throw AttributionError.nothingParked(source) }
            keys = [source.rawValue]
            cutoff = .max
        case .olderThan(let days):
            let age = UInt64(days) &* 86_400 &* 1_000_000_000
            cutoff = now.nanoseconds > age ? now.nanoseconds - age : 0
            keys = entries.filter { $0.value.oldestReceivedNanoseconds < cutoff }.keys.sorted()
        case .all:
            keys = entries.keys.sorted()
            cutoff = .max
        }
        var result: [Discarded] = []
        if !dryRun { try prepare() }
        for key in keys {
            guard let source = ParkedSource(key) else { continue }
            let stripe = try lockStripe(source)
            let indexLock = try lockIndex()
            var index = try ParkedIndex.read(directory)
            guard let entry = index.installations[key] else { continue }
            if dryRun {
                let records = try ParkedLog.read(directory.parkedLogPath(source), from: 0, upTo: entry.length)
                var count = 0
                for record in records
                where try parkedRequest(record, path: directory.parkedLogPath(source)).receivedAt.nanoseconds < cutoff {
                    count += 1
                }
                if count > 0 {
                    result.append(Discarded(installation: key, requests: count, bytes: count == entry.requests ? entry.bytes : 0))
                }
            } else {
                let (_, requests, bytes) = try trimLocked(
                    source, entry: entry, cutoff: cutoff, generation: index.parkedEver, into: &index)
                if requests > 0 {
                    try index.write(directory, durable: configuration.durable)
                    result.append(Discarded(installation: key, requests: requests, bytes: bytes))
                }
            }
            _ = consume indexLock
            _ = consume stripe
        }
        return result
    }
}
