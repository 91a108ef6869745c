import Foundation
import SystemCalls
package import TelemetryStore

/// One thing wrong in a data directory, with the path it concerns.
package struct VerificationProblem: Sendable, Equatable, Codable {
    package let path: String
    package let reason: String

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// What a verification found.
package struct VerificationReport: Sendable, Equatable {
    /// User directories whose `user.json` was read successfully.
    package var usersChecked = 0
    /// `aggregate.json` files that decoded successfully.
    package var aggregatesChecked = 0
    /// Sorted by path.
    package var problems: [VerificationProblem] = []

    package var isClean: Bool { problems.isEmpty }
}

/// Checks a data directory without changing it, so an operator can find what the responder
/// refuses to touch (it never overwrites a corrupt file silently, see ``StorageError/corrupt(path:reason:)``).
///
/// Per user directory: the name is a canonical user id; `user.json` exists, parses and names
/// that id; `aggregate.json`, when present, decodes as ``AggregateStore/read(_:)`` does and
/// its published figures are those its raw figures give; no
/// temporary file is left from an interrupted write; nothing else is there besides `.lock`.
/// A user whose `.lock` already exists is checked while holding it, so a write in progress is
/// not mistaken for a leftover; no lock file is ever created.
package struct DataDirectoryVerifier: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration
    package let limits: AggregationLimits

    package init(
        directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
        limits: AggregationLimits = AggregationLimits()
    ) {
        self.directory = directory
        self.configuration = configuration
        self.limits = limits
    }

    static let expectedNames: Set<String> = ["user.json", "aggregate.json", "aggregate.bin", "journal", ".lock"]

    package func verify() -> VerificationReport {
        // Sorted here: a `defer` that sorted the local copy would run after `return` had copied it.
        var report = verifyInDirectoryOrder()
        report.problems.sort { ($0.path, $0.reason) < ($1.path, $1.reason) }
        return report
    }

    private func verifyInDirectoryOrder() -> VerificationReport {
        var report = VerificationReport()
        guard FileSystem.isDirectory(directory.root) else {
            report.problems.append(.init(path: directory.root, reason: "the data directory does not exist or is not a directory"))
            return report
        }
        report.problems += AttributionVerifier(directory: directory, configuration: configuration).problems()
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory.usersDirectory)
        } catch {
            // A data directory without users/ simply has no users yet.
            if error == .noSuchFileOrDirectory { return report }
            report.problems.append(.init(path: directory.usersDirectory, reason: "cannot list: \(error)"))
            return report
        }
        for name in names.sorted() {
            let path = directory.usersDirectory + "/" + name
            guard let user = try? TelemetryStore.UserID(validating: name) else {
                report.problems.append(.init(path: path, reason: "not a user id (expected a lowercase UUID)"))
                continue
            }
            guard FileSystem.isDirectory(path) else {
                report.problems.append(.init(path: path, reason: "not a directory"))
                continue
            }
            verifyUser(user, into: &report)
        }
        return report
    }

    private func verifyUser(_ user: TelemetryStore.UserID, into report: inout VerificationReport) {
        var lock: FileLock? = nil
        var locked = false
        if FileSystem.exists(directory.lockPath(user)) {
            // Busy or not openable (another Unix user's file): check without it.
            do {
                lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
                locked = true
            } catch {}
        }
        verifyUserFiles(user, locked: locked, into: &report)
        _ = consume lock
    }

    private func verifyUserFiles(_ user: TelemetryStore.UserID, locked: Bool, into report: inout VerificationReport) {
        let userDirectory = directory.userDirectory(user)
        verifyRecord(user, into: &report)

        let store = AggregateStore(directory: directory, configuration: configuration, limits: limits)
        do throws(StorageError) {
            if let current = try store.current(user) {
                report.aggregatesChecked += 1
                if current.tornBytes > 0 {
                    let when = locked ? "" : " (checked without the user's lock: a write may have been in progress)"
                    report.problems.append(
                        .init(
                            path: directory.journalPath(user),
                            reason: "torn tail of \(current.tornBytes) bytes after the last whole record (a write cut short by a "
                                + "crash, never acknowledged); it is not read, and the next write for this user cuts it\(when)"))
                }
                // The published figures of the file itself (the journal holds only raw ones).
                if let snapshot = current.snapshot,
                    let document = try? AggregateCoding.decode(snapshot.bytes, expectedUser: user, limits: limits)
                {
                    let stale = Self.inconsistentSections(StoredAggregate(bytes: snapshot.bytes, document: document))
                    if !stale.isEmpty {
                        report.problems.append(
                            .init(
                                path: directory.aggregatePath(user),
                                reason:
                                    "published figures in \(stale.joined(separator: ", ")) do not follow from the raw figures "
                                    + "(changed outside the receiver?); dashboards read the stored ones, the next update replaces them"
                            ))
                    }
                }
            }
        } catch {
            var path = directory.aggregatePath(user)
            if case .corrupt(let corruptPath, _) = error { path = corruptPath }
            report.problems.append(.init(path: path, reason: Self.reason(error)))
        }

        let names: [String]
        do {
            names = try FileSystem.contents(of: userDirectory)
        } catch {
            report.problems.append(.init(path: userDirectory, reason: "cannot list: \(error)"))
            return
        }
        for name in names.sorted() where !Self.expectedNames.contains(name) {
            let path = userDirectory + "/" + name
            if name.hasSuffix(".tmp") {
                let unlocked = locked ? "" : " (checked without the user's lock: a write may have been in progress)"
                report.problems.append(
                    .init(
                        path: path, reason: "temporary file left by an interrupted write; safe to delete\(unlocked)"))
            } else {
                report.problems.append(.init(path: path, reason: "unexpected entry in a user directory"))
            }
        }
    }

    private func verifyRecord(_ user: TelemetryStore.UserID, into report: inout VerificationReport) {
        let path = directory.recordPath(user)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory {
                report.problems.append(
                    .init(
                        path: path, reason: "missing: the directory is not a known user (left over from an interrupted removal?)")
                )
            } else {
                report.problems.append(.init(path: path, reason: "cannot read: \(error)"))
            }
            return
        }
        let record: UserRecord
        do {
            record = try JSONDecoder().decode(UserRecord.self, from: Data(bytes))
        } catch {
            report.problems.append(.init(path: path, reason: "not a valid user record"))
            return
        }
        guard record.id == user.rawValue else {
            report.problems.append(
                .init(
                    path: path, reason: "id '\(TelemetryStore.UserID.preview(record.id))' does not match its directory \(user)"))
            return
        }
        report.usersChecked += 1
    }

    /// The sections a dashboard reads that are derived from the raw figures.
    static let derivedSections = ["sources", "totals", "days", "models", "tools"]

    /// Decoding reads only the raw figures, so a published number edited in the file would go
    /// unnoticed (and disagree with `claude-telemetry show`); re-encoding shows it. Names the
    /// derived sections whose stored JSON differs from a fresh encoding.
    static func inconsistentSections(_ stored: StoredAggregate) -> [String] {
        let canonical = AggregateCoding.encode(stored.document)
        if canonical == stored.bytes { return [] }
        guard let onDisk = try? JSONSerialization.jsonObject(with: Data(stored.bytes)) as? [String: Any],
            let fresh = try? JSONSerialization.jsonObject(with: Data(canonical)) as? [String: Any]
        else { return derivedSections }
        return derivedSections.filter { !jsonEqual(onDisk[$0], fresh[$0]) }
    }

    /// Structural equality of two parsed JSON values (numbers compared by value).
    static func jsonEqual(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil):
            return true
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key] != nil && jsonEqual(value, y[key]) }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
        case (let x as String, let y as String):
            return x == y
        case (is NSNull, is NSNull):
            return true
        default:
            guard let x = a.flatMap(number), let y = b.flatMap(number) else { return false }
            return x == y
        }
    }

    private static func number(_ value: Any) -> Double? {
        switch value {
        case let number as Int: Double(number)
        case let number as Double: number
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }

    private static func reason(_ error: StorageError) -> String {
        switch error {
        case .corrupt(_, let reason): "corrupt: \(reason)"
        case .system(let operation, _, let errno): "cannot \(operation): \(errno)"
        case .lockTimeout: error.description
        case .notRegularFile(_, let kind): "a \(kind) where a regular file belongs; remove it"
        }
    }
}
