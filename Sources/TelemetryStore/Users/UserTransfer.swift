package import Foundation

/// A user moved between data directories (shards): the record and the aggregate's exact bytes,
/// so the new host continues the same totals, replay windows and series state.
package struct UserTransfer: Codable, Equatable, Sendable {
    package static let formatName = "claude-telemetry-user/1"

    package var format: String
    package var record: UserRecord
    /// `aggregate.json` byte for byte (base64 in the file); nil when the user has sent nothing.
    package var aggregate: Data?

    /// The file `user export` writes: pretty JSON, keys sorted.
    package func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    /// Reads and checks a transfer file: known format, valid id, an aggregate that decodes for that id.
    package static func decode(_ bytes: [UInt8], limits: AggregationLimits) throws(UserTransferError) -> UserTransfer {
        let transfer: UserTransfer
        do {
            transfer = try JSONDecoder().decode(UserTransfer.self, from: Data(bytes))
        } catch {
            throw .malformed("not a user export file (\(error))")
        }
        guard transfer.format == formatName else {
            throw .malformed("format is '\(transfer.format)', this version reads '\(formatName)'")
        }
        guard let user = try? UserID(validating: transfer.record.id) else {
            throw .malformed("the record's id is not a canonical lowercase UUID")
        }
        if let aggregate = transfer.aggregate {
            do {
                _ = try AggregateCoding.decode(Array(aggregate), expectedUser: user, limits: limits)
            } catch {
                throw .malformed("the aggregate does not decode: \(error.reason)")
            }
        }
        return transfer
    }
}

/// Why a user could not be exported or imported.
package enum UserTransferError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case alreadyExists(String)
    case storage(StorageError)

    package var description: String {
        switch self {
        case .malformed(let reason): "cannot import: \(reason)"
        case .alreadyExists(let id): "user \(id) already exists in this data directory; remove it first to replace it"
        case .storage(let error): error.description
        }
    }
}

extension UserStore {
    /// The user's record and stored aggregate, for `user export`. Nil when the user is unknown.
    package func export(_ user: UserID, limits: AggregationLimits) throws(StorageError) -> UserTransfer? {
        guard let record = try record(user) else { return nil }
        let stored = try AggregateStore(directory: directory, configuration: configuration, limits: limits).readStored(user)
        return UserTransfer(format: UserTransfer.formatName, record: record, aggregate: stored.map { Data($0.bytes) })
    }

    /// Creates the user from an export, under its lock: the aggregate is written first and the
    /// record last, so the responder accepts the user only once its totals are in place.
    package func importUser(_ transfer: UserTransfer) throws(UserTransferError) {
        guard let user = try? UserID(validating: transfer.record.id) else {
            throw .malformed("the record's id is not a canonical lowercase UUID")
        }
        guard !exists(user) else { throw .alreadyExists(user.rawValue) }
        do throws(StorageError) {
            try prepare()
            let userDirectory = directory.userDirectory(user)
            do {
                try FileSystem.makeDirectory(userDirectory)
            } catch {
                throw error.storage("create directory", userDirectory)
            }
            let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
            if let aggregate = transfer.aggregate {
                try AtomicFile.replace(directory.aggregatePath(user), with: Array(aggregate), durable: configuration.durable)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let record = Array((try? encoder.encode(transfer.record)) ?? Data()) + [UInt8(ascii: "\n")]
            try AtomicFile.replace(directory.recordPath(user), with: record, durable: configuration.durable)
            _ = consume lock
        } catch {
            throw .storage(error)
        }
    }
}
