import SystemCalls

/// Requests that carry no user in their URL or headers — what the real Claude Code sends when
/// configured with `…/claude?user=UUID` or `…/metrics?user=UUID`, since it drops the query —
/// are attributed through Claude Code's own `user.id` (the installation):
///
/// 1. an installation bound to a user (by `user claim`, or by a first `user.email` match with
///    the email a user was created with) has its requests applied to that user like any other;
/// 2. otherwise the request is parked, as received, until an operator claims the installation.
///
/// Bindings and the parked area change only under one `flock` (`attribution/.lock`). A request
/// whose installation is bound is applied while that lock is held whenever it had to take it,
/// so a claim's parked requests are always applied before any later one (cumulative series
/// depend on arrival order).
public struct InstallationAttribution: Sendable {
    public let directory: DataDirectory
    public let configuration: StoreConfiguration
    public let limits: ParkingLimits
    public let ingestor: TelemetryIngestor

    public init(ingestor: TelemetryIngestor, limits: ParkingLimits = ParkingLimits()) {
        self.ingestor = ingestor
        directory = ingestor.store.directory
        configuration = ingestor.store.configuration
        self.limits = limits
    }

    /// How a request without a user in URL or headers ended.
    public enum Outcome: Equatable, Sendable {
        /// Applied to `user`: its installation was bound (`newlyBoundByEmail` when this request's
        /// `user.email` created the binding).
        case attributed(UserID, ApplyReport, newlyBoundByEmail: Bool)
        /// Kept under the installation until it is claimed.
        case parked(InstallationID)
        /// The export holds no data (a success with nothing to keep).
        case empty
    }

    /// Attributes or parks one decoded request. `original` is the request as received, which is
    /// what gets parked; `request` identifies it for the replay window when it is applied.
    /// Throws ``AttributionError``, ``StorageError`` or the ingest errors.
    public func receive(
        _ export: DecodedExport, request: RequestIdentity, original: ParkedRequest,
        policy: UnattributedPolicy, now: Timestamp = .now()
    ) throws -> Outcome {
        let identity = try export.identity()
        guard let installation = identity.installation else {
            if export.isEmpty { return .empty }
            throw AttributionError.noInstallation
        }
        if let user = try boundUser(installation) {
            return .attributed(user, try ingestor.apply(export, request: request, user: user, now: now), newlyBoundByEmail: false)
        }
        try prepare()
        let lock = try FileLock(path: directory.attributionLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        defer { _ = lock.path }  // held to the end of the scope
        // A claim may have bound it while this request waited for the lock.
        if let user = try boundUser(installation) {
            return .attributed(user, try ingestor.apply(export, request: request, user: user, now: now), newlyBoundByEmail: false)
        }
        if let email = identity.email, let user = try userCreated(withEmail: email) {
            _ = try foldLocked(installation, into: user, now: now)
            try bindLocked(installation, to: user, origin: .email, now: now)
            return .attributed(user, try ingestor.apply(export, request: request, user: user, now: now), newlyBoundByEmail: true)
        }
        guard policy == .park else { throw AttributionError.refused }
        if export.isEmpty { return .empty }
        try parkLocked(original, identity: identity, installation: installation, now: now)
        return .parked(installation)
    }

    /// The user an installation is bound to, when that user still exists.
    public func boundUser(_ installation: InstallationID) throws(StorageError) -> UserID? {
        guard let binding = try InstallationBinding.read(directory, installation),
            let user = try? UserID(validating: binding.user), ingestor.users.exists(user)
        else { return nil }
        return user
    }

    /// What one claim folded into the user's document.
    public struct ClaimReport: Equatable, Sendable {
        public var requests = 0
        public var applied = 0
        public var rejected = 0
        public var duplicates = 0
        public init() {}
    }

    /// Binds `installation` to `user` and folds every request parked for it into the user's
    /// document, in arrival order, through the normal ingest path (replay protection included),
    /// deleting each file once applied. Later requests of the installation go to `user` directly.
    /// Binding an installation with nothing parked is allowed (it then attributes the first one).
    public func claim(_ installation: InstallationID, for user: UserID, now: Timestamp = .now()) throws -> ClaimReport {
        guard ingestor.users.exists(user) else { throw IngestError.unknownUser(user) }
        try prepare()
        let lock = try FileLock(path: directory.attributionLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        defer { _ = lock.path }  // held to the end of the scope
        if let other = try boundUser(installation), other != user {
            throw AttributionError.boundElsewhere(installation, other)
        }
        let report = try foldLocked(installation, into: user, now: now)
        try bindLocked(installation, to: user, origin: .claim, now: now)
        return report
    }

    /// Every installation with parked data, oldest first seen first.
    public func unclaimed() throws(StorageError) -> [ParkedInstallation] {
        try ParkedIndex.read(directory).installations.values.sorted {
            ($0.firstSeen, $0.installation) < ($1.firstSeen, $1.installation)
        }
    }

    /// Every binding, by installation id.
    public func bindings() throws(StorageError) -> [InstallationBinding] {
        var result: [InstallationBinding] = []
        for name in try bindingNames() {
            guard let installation = InstallationID(name), installation.rawValue == name,
                let binding = try InstallationBinding.read(directory, installation)
            else { continue }
            result.append(binding)
        }
        return result
    }

    /// Drops every binding to `user` (when the user is removed). Returns how many.
    @discardableResult
    public func removeBindings(of user: UserID) throws(StorageError) -> Int {
        guard FileSystem.isDirectory(directory.bindingsDirectory) else { return 0 }
        let lock = try FileLock(path: directory.attributionLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        defer { _ = lock.path }  // held to the end of the scope
        var removed = 0
        for binding in try bindings() where binding.user == user.rawValue {
            guard let installation = InstallationID(binding.installation) else { continue }
            let path = directory.bindingPath(installation)
            do {
                try FileSystem.removeFile(path)
            } catch {
                throw error.storage("remove", path)
            }
            removed += 1
        }
        if removed > 0 && configuration.durable { try? FileSystem.syncDirectory(directory.bindingsDirectory) }
        return removed
    }

    /// Parked-area figures for `claude-telemetry stats`.
    public func summary() throws(StorageError) -> AttributionSummary {
        let index = try ParkedIndex.read(directory)
        return AttributionSummary(
            parkedInstallations: index.installations.count,
            parkedRequests: index.installations.values.reduce(0) { $0 + $1.requests },
            parkedBytes: index.totalBytes, unattributedRequestsParked: index.parkedEver,
            boundInstallations: try bindingNames().count)
    }

    // MARK: Under the attribution lock

    func prepare() throws(StorageError) {
        for path in [directory.root, directory.attributionDirectory, directory.bindingsDirectory, directory.parkedDirectory] {
            do {
                try FileSystem.makeDirectory(path)
            } catch {
                throw error.storage("create directory", path)
            }
        }
    }

    private func bindingNames() throws(StorageError) -> [String] {
        do {
            return try FileSystem.contents(of: directory.bindingsDirectory).filter { !$0.hasSuffix(".tmp") }.sorted()
        } catch {
            if error == .noSuchFile { return [] }
            throw error.storage("list", directory.bindingsDirectory)
        }
    }

    private func bindLocked(
        _ installation: InstallationID, to user: UserID, origin: InstallationBinding.Origin,
        now: Timestamp
    ) throws(StorageError) {
        try InstallationBinding(installation: installation.rawValue, user: user.rawValue, boundAt: now.iso8601, origin: origin)
            .write(directory, durable: configuration.durable)
    }

    /// The user whose record holds `email` (compared without regard to ASCII case), if any.
    private func userCreated(withEmail email: String) throws(StorageError) -> UserID? {
        let wanted = email.lowercased()
        for record in try ingestor.users.list() where record.email?.lowercased() == wanted {
            return try? UserID(validating: record.id)
        }
        return nil
    }

    private func parkLocked(
        _ request: ParkedRequest, identity: ExportIdentity, installation: InstallationID,
        now: Timestamp
    ) throws {
        var index = try ParkedIndex.read(directory)
        let expired = try expireLocked(&index, now: now)
        let bytes = request.encoded
        let existing = index.installations[installation.rawValue]
        var refusal: String?
        if existing == nil && index.installations.count >= limits.maxInstallations {
            refusal = "\(limits.maxInstallations) installations already have parked data"
        } else if (existing?.bytes ?? 0) + bytes.count > limits.maxBytesPerInstallation {
            refusal =
                "this installation already has \(existing?.bytes ?? 0) bytes parked, the limit is \(limits.maxBytesPerInstallation)"
        } else if index.totalBytes + bytes.count > limits.maxTotalBytes {
            refusal = "\(index.totalBytes) bytes are parked in all, the limit is \(limits.maxTotalBytes)"
        }
        if let refusal {
            if expired { try index.write(directory, durable: configuration.durable) }
            throw AttributionError.parkingFull(refusal)
        }
        var entry =
            existing
            ?? ParkedInstallation(
                installation: installation.rawValue, firstSeen: now.iso8601, lastSeen: now.iso8601, requests: 0, bytes: 0,
                email: nil, facts: MachineFacts(), firstSequence: 0, nextSequence: 0, oldestReceivedNanoseconds: now.nanoseconds)
        let folder = directory.parkedDirectory(installation)
        do {
            try FileSystem.makeDirectory(folder)
        } catch {
            throw error.storage("create directory", folder)
        }
        try AtomicFile.replace(
            directory.parkedRequestPath(installation, sequence: entry.nextSequence), with: bytes,
            durable: configuration.durable)
        if entry.requests == 0 {
            entry.firstSequence = entry.nextSequence
            entry.oldestReceivedNanoseconds = now.nanoseconds
        }
        entry.nextSequence += 1
        entry.requests += 1
        entry.bytes += bytes.count
        entry.lastSeen = now.iso8601
        entry.email = entry.email ?? identity.email.map { UserID.preview($0.prefix(254)) }
        entry.facts = MachineFacts(
            serviceVersion: identity.facts.serviceVersion ?? entry.facts.serviceVersion,
            osType: identity.facts.osType ?? entry.facts.osType,
            hostArch: identity.facts.hostArch ?? entry.facts.hostArch,
            terminalType: identity.facts.terminalType ?? entry.facts.terminalType)
        index.installations[installation.rawValue] = entry
        index.parkedEver += 1
        try index.write(directory, durable: configuration.durable)
    }

    /// Deletes parked requests older than the age bound, oldest first. True when it changed `index`.
    private func expireLocked(_ index: inout ParkedIndex, now: Timestamp) throws(StorageError) -> Bool {
        let maxAgeNanoseconds = limits.maxAgeSeconds &* 1_000_000_000
        guard now.nanoseconds > maxAgeNanoseconds else { return false }
        let cutoff = now.nanoseconds - maxAgeNanoseconds
        var changed = false
        for (key, var entry) in index.installations where entry.oldestReceivedNanoseconds < cutoff {
            guard let installation = InstallationID(key) else { continue }
            for (sequence, path) in try parkedFiles(installation) {
                let (bytes, request) = try readParked(path)
                if request.receivedAt.nanoseconds >= cutoff {
                    entry.oldestReceivedNanoseconds = request.receivedAt.nanoseconds
                    break
                }
                try remove(path)
                entry.requests -= 1
                entry.bytes -= bytes.count
                entry.firstSequence = sequence + 1
            }
            changed = true
            if entry.requests <= 0 {
                index.installations[key] = nil
                try removeFolder(installation)
            } else {
                index.installations[key] = entry
            }
        }
        return changed
    }

    /// Applies every parked request of `installation` to `user`, oldest first, deleting each
    /// file after its update is stored. A crash between the two leaves the file, and the next
    /// claim's copy is recognised as a replay, like a retried export.
    private func foldLocked(_ installation: InstallationID, into user: UserID, now: Timestamp) throws -> ClaimReport {
        var report = ClaimReport()
        var index = try ParkedIndex.read(directory)
        for (sequence, path) in try parkedFiles(installation) {
            let (bytes, request) = try readParked(path)
            let applied = try ingestor.ingest(
                request.signal, body: request.body, format: request.format,
                encoding: request.encoding, user: user, now: now)
            report.requests += 1
            report.applied += applied.applied
            report.rejected += applied.rejected
            report.duplicates += applied.duplicates
            try remove(path)
            if var entry = index.installations[installation.rawValue] {
                entry.requests -= 1
                entry.bytes -= bytes.count
                entry.firstSequence = sequence + 1
                index.installations[installation.rawValue] = entry.requests > 0 ? entry : nil
                try index.write(directory, durable: configuration.durable)
            }
        }
        if index.installations[installation.rawValue] != nil {
            index.installations[installation.rawValue] = nil
            try index.write(directory, durable: configuration.durable)
        }
        try removeFolder(installation)
        return report
    }

    /// A parked request file's bytes (their count is what the index accounts) and the request.
    private func readParked(_ path: String) throws(StorageError) -> (bytes: [UInt8], request: ParkedRequest) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            throw error.storage("read", path)
        }
        do {
            return (bytes, try ParkedRequest(decoding: bytes))
        } catch {
            throw .corrupt(path: path, reason: error.reason)
        }
    }

    /// The installation's parked request files, by sequence (arrival order).
    func parkedFiles(_ installation: InstallationID) throws(StorageError) -> [(UInt64, String)] {
        let folder = directory.parkedDirectory(installation)
        let names: [String]
        do {
            names = try FileSystem.contents(of: folder)
        } catch {
            if error == .noSuchFile { return [] }
            throw error.storage("list", folder)
        }
        return names.compactMap { name in ParkedRequest.sequence(fileName: name).map { ($0, folder + "/" + name) } }
            .sorted { $0.0 < $1.0 }
    }

    private func remove(_ path: String) throws(StorageError) {
        do {
            try FileSystem.removeFile(path)
        } catch {
            if error == .noSuchFile { return }
            throw error.storage("remove", path)
        }
    }

    private func removeFolder(_ installation: InstallationID) throws(StorageError) {
        let folder = directory.parkedDirectory(installation)
        // A temporary file left by a crash is all that can remain.
        for name in (try? FileSystem.contents(of: folder)) ?? [] where name.hasSuffix(".tmp") {
            try? FileSystem.removeFile(folder + "/" + name)
        }
        do {
            try FileSystem.removeDirectory(folder)
        } catch {
            if error == .noSuchFile { return }
            throw error.storage("remove directory", folder)
        }
        if configuration.durable { try? FileSystem.syncDirectory(directory.parkedDirectory) }
    }
}

/// The parked area at a glance (`claude-telemetry stats`).
public struct AttributionSummary: Codable, Equatable, Sendable {
    public var parkedInstallations: Int
    public var parkedRequests: Int
    public var parkedBytes: Int
    /// Requests that arrived with no user and no bound installation, since the data directory was created.
    public var unattributedRequestsParked: Int
    public var boundInstallations: Int
}
