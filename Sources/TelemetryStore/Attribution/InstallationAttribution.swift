import SystemCalls
package import TelemetryDecoding

/// Requests that carry no user in their URL or headers — what the real Claude Code sends when
/// configured with `…/claude?user=UUID` or `…/metrics?user=UUID`, since it drops the query —
/// are attributed through Claude Code's own `user.id` (the installation); requests naming a
/// well-formed user id no user has are kept likewise, under that id:
///
/// 1. a source bound to a user (only ever by an operator: `user claim`, `user claim --move`;
///    or, when the operator chose `--trust-client-email`, by a `user.email` match) has its
///    requests applied to that user like any other;
/// 2. otherwise the request is parked, as received, until an operator claims the source.
///
/// The data's `user.email` is sent by the client and proves nothing: by default it never
/// applies or binds anything; `unclaimed` shows the user it matches as a suggestion.
///
/// A source's parking, claim, unbind and discard are serialised by its stripe lock (one of
/// ``DataDirectory/parkingStripes``); the parked index by its own lock, held only for a few
/// small writes. A request whose source is bound is applied while the stripe is held whenever
/// it had to take it, so a claim's parked requests are always applied before any later one
/// (cumulative series depend on arrival order).
package struct InstallationAttribution: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration
    package let limits: ParkingLimits
    package let ingestor: TelemetryIngestor
    /// `--trust-client-email`: a request whose `user.email` equals a user's email binds its
    /// installation to that user. Never under `--unattributed refuse`.
    package let trustClientEmail: Bool

    package init(ingestor: TelemetryIngestor, limits: ParkingLimits = ParkingLimits(), trustClientEmail: Bool = false) {
        self.ingestor = ingestor
        directory = ingestor.store.directory
        configuration = ingestor.store.configuration
        self.limits = limits
        self.trustClientEmail = trustClientEmail
    }

    /// How a request without a (known) user ended.
    package enum Outcome: Equatable, Sendable {
        /// Applied to `user`: its source was bound (`newlyBoundByEmail` when this request's
        /// `user.email` created the binding, under `--trust-client-email`).
        case attributed(UserID, ApplyReport, newlyBoundByEmail: Bool)
        /// Kept under the source until it is claimed.
        case parked(ParkedSource)
        /// The export holds no data (a success with nothing to keep).
        case empty
    }

    /// Attributes or parks one decoded request with no user in URL or headers. `original` is
    /// the request as received, which is what gets parked; `request` identifies it for the
    /// replay window when it is applied; `address` is the client's (`REMOTE_ADDR`), whose share
    /// of the parked area is bounded. Throws ``AttributionError``, ``StorageError`` or the
    /// ingest errors.
    package func receive(
        _ export: DecodedExport, request: RequestIdentity, original: ParkedRequest,
        policy: UnattributedPolicy, address: String? = nil, now: Timestamp = .now()
    ) throws -> Outcome {
        let identity = try export.identity()
        guard let installation = identity.installation else {
            if export.isEmpty { return .empty }
            throw AttributionError.noInstallation
        }
        return try receive(
            export, source: .installation(installation), identity: identity, request: request, original: original,
            policy: policy, refusal: AttributionError.refused, emailMayBind: true, address: address, now: now)
    }

    /// Keeps a request that named `user`, a well-formed id no user has (a typo in a
    /// configuration), like one that named no user: parked under that id until `user claim`
    /// or `user add --id` recovers it. Under `--unattributed refuse` it is refused as unknown.
    package func receive(
        forUnknownUser user: UserID, _ export: DecodedExport, request: RequestIdentity, original: ParkedRequest,
        policy: UnattributedPolicy, address: String? = nil, now: Timestamp = .now()
    ) throws -> Outcome {
        // Read only for what lets a person recognise the machine; it binds nothing.
        let identity = (try? export.identity()) ?? ExportIdentity()
        return try receive(
            export, source: .namedUser(user), identity: identity, request: request, original: original, policy: policy,
            refusal: IngestError.unknownUser(user), emailMayBind: false, address: address, now: now)
    }

    private func receive(
        _ export: DecodedExport, source: ParkedSource, identity: ExportIdentity, request: RequestIdentity,
        original: ParkedRequest, policy: UnattributedPolicy, refusal: any Error, emailMayBind: Bool,
        address: String?, now: Timestamp
    ) throws -> Outcome {
        if let user = try boundUser(source) {
            return .attributed(user, try ingestor.apply(export, request: request, user: user, now: now), newlyBoundByEmail: false)
        }
        try prepare(for: source)
        let stripe = try lockStripe(source)
        defer { _ = stripe.path }  // held to the end of the scope
        // A claim may have bound it while this request waited for the stripe.
        if let user = try boundUser(source) {
            return .attributed(user, try ingestor.apply(export, request: request, user: user, now: now), newlyBoundByEmail: false)
        }
        guard policy == .park else { throw refusal }
        if export.isEmpty { return .empty }
        if emailMayBind, trustClientEmail, let email = identity.email, let user = try userCreated(withEmail: email),
            try parkedEmailAgrees(source, email)
        {
            // Data first, binding last: a failure anywhere leaves no binding, and what was
            // applied is marked, so a retry counts nothing twice.
            _ = try foldLocked(source, into: user, from: 0, maxRecords: .max, now: now)
            let report = try ingestor.apply(export, request: request, user: user, now: now)
            try dropLocked(source)
            try bindLocked(source, to: user, origin: .email, now: now)
            return .attributed(user, report, newlyBoundByEmail: true)
        }
        try parkLocked(original, source: source, identity: identity, address: address, now: now)
        return .parked(source)
    }

    /// The user a source is bound to, when that user still exists.
    package func boundUser(_ source: ParkedSource) throws(StorageError) -> UserID? {
        guard let binding = try InstallationBinding.read(directory, source),
            let user = try? UserID(validating: binding.user), ingestor.users.exists(user)
        else { return nil }
        return user
    }

    package func boundUser(_ installation: InstallationID) throws(StorageError) -> UserID? {
        try boundUser(.installation(installation))
    }

    // MARK: Shared by the parts of attribution

    /// Creates the attribution directories: the fixed ones, and the stripe of `source` (all
    /// stripes when none is given), so a parked request costs a few `stat` calls, not 64.
    func prepare(for source: ParkedSource? = nil) throws(StorageError) {
        var paths = [
            directory.root, directory.attributionDirectory, directory.bindingsDirectory, directory.parkedDirectory,
            directory.stripesDirectory,
        ]
        if let source {
            paths.append(directory.stripeDirectory(source.stripe))
        } else {
            paths += (0..<DataDirectory.parkingStripes).map(directory.stripeDirectory)
        }
        for path in paths where !FileSystem.isDirectory(path) {
            do {
                try FileSystem.makeDirectory(path)
            } catch {
                if error == .fileExists { continue }
                throw error.storage("create directory", path)
            }
        }
        try convertLegacyParkedArea()
    }

    func lockStripe(_ source: ParkedSource, timeoutMilliseconds: Int? = nil) throws(StorageError) -> FileLock {
        try FileLock(
            path: directory.stripeLockPath(source.stripe),
            timeoutMilliseconds: timeoutMilliseconds ?? configuration.lockTimeoutMilliseconds)
    }

    func lockIndex() throws(StorageError) -> FileLock {
        try FileLock(path: directory.attributionLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
    }

    func bindLocked(_ source: ParkedSource, to user: UserID, origin: InstallationBinding.Origin, now: Timestamp)
        throws(StorageError)
    {
        try InstallationBinding(installation: source.rawValue, user: user.rawValue, boundAt: now.iso8601, origin: origin)
            .write(directory, durable: configuration.durable)
    }

    /// Deletes a source's log and its index entry (under its stripe, which the caller holds).
    func dropLocked(_ source: ParkedSource) throws(StorageError) {
        let indexLock = try lockIndex()
        defer { _ = indexLock.path }
        let path = directory.parkedLogPath(source)
        do {
            try FileSystem.removeFile(path)
        } catch {
            if error != .noSuchFileOrDirectory { throw error.storage("remove", path) }
        }
        var index = try ParkedIndex.read(directory)
        if index.installations.removeValue(forKey: source.rawValue) != nil {
            try index.write(directory, durable: configuration.durable)
        } else if configuration.durable {
            try? FileSystem.syncDirectory(directory.parkedDirectory)
        }
    }

    /// The user whose record holds `email` (compared without regard to case), if any.
    /// Emails are unique among users (`user add` refuses a second one).
    package func userCreated(withEmail email: String) throws(StorageError) -> UserID? {
        let wanted = email.lowercased()
        for record in try ingestor.users.list() where record.email?.lowercased() == wanted {
            return try? UserID(validating: record.id)
        }
        return nil
    }

    /// Under `--trust-client-email`, an installation whose parked data carries another email
    /// is not taken over by a request naming a different one (an installation hijack).
    private func parkedEmailAgrees(_ source: ParkedSource, _ email: String) throws(StorageError) -> Bool {
        guard let parked = try ParkedIndex.read(directory).installations[source.rawValue]?.email else { return true }
        return parked.lowercased() == UserID.preview(email.prefix(254)).lowercased()
    }
}

/// The parked area at a glance (`claude-telemetry stats`, `user list`, `verify`, `show`).
package struct AttributionSummary: Codable, Equatable, Sendable {
    package var parkedInstallations: Int
    package var parkedRequests: Int
    package var parkedBytes: Int
    /// Requests parked since the data directory was created (claimed, discarded, expired included).
    package var unattributedRequestsParked: Int
    package var boundInstallations: Int
    /// Of those parked now: the ones that named a well-formed user id no user has.
    package var unknownUserIds: Int
    package var unknownUserRequests: Int
    /// Requests that named an unknown user id, parked since the data directory was created.
    package var unknownUserRequestsParked: Int

    package init(
        parkedInstallations: Int, parkedRequests: Int, parkedBytes: Int, unattributedRequestsParked: Int,
        boundInstallations: Int, unknownUserIds: Int = 0, unknownUserRequests: Int = 0, unknownUserRequestsParked: Int = 0
    ) {
        self.unknownUserRequestsParked = unknownUserRequestsParked
        self.parkedInstallations = parkedInstallations
        self.parkedRequests = parkedRequests
        self.parkedBytes = parkedBytes
        self.unattributedRequestsParked = unattributedRequestsParked
        self.boundInstallations = boundInstallations
        self.unknownUserIds = unknownUserIds
        self.unknownUserRequests = unknownUserRequests
    }

    /// One line for the operator, with the command that shows the rest; nil when nothing waits.
    package var waitingLine: String? {
        guard parkedRequests > 0 else { return nil }
        return "\(parkedRequests) parked request\(parkedRequests == 1 ? "" : "s") from "
            + "\(parkedInstallations) unclaimed source\(parkedInstallations == 1 ? "" : "s") wait to be claimed "
            + "(see `claude-telemetry unclaimed`)"
    }
}
