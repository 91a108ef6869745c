import Foundation
import SystemCalls

/// What `claude-telemetry unclaimed` lists about one source with parked data.
package struct ParkedInstallation: Codable, Equatable, Sendable {
    /// The source's raw value: an installation id, or an unknown user id (see ``ParkedSource``).
    package var installation: String
    package var firstSeen: String
    package var lastSeen: String
    /// Requests parked now, and the bytes their log takes on disk (blocks allocated).
    package var requests: Int
    package var bytes: Int
    package var email: String?
    package var facts: MachineFacts
    /// Bookkeeping: the log's length in bytes up to its last answered request, the receive
    /// time of its oldest request, and the client address that first sent it (for shares).
    package var length: Int
    package var oldestReceivedNanoseconds: UInt64
    /// Changes whenever the log is rewritten (expiry, discard), so a claim reading it in
    /// chunks knows its offset no longer holds.
    package var generation: UInt64
    package var address: String

    package var source: ParkedSource? { ParkedSource(installation) }
}

/// What one client address (`REMOTE_ADDR`) parked in the current window of ``ParkingLimits``.
struct AddressShare: Codable, Equatable, Sendable {
    var windowStartSeconds: UInt64
    var newSources = 0
    var bytes = 0
}

/// `attribution/parked/index.json`: every source with parked data and the shares of client
/// addresses, replaced atomically under the index lock after each change. The logs are the
/// data; the index is what the bounds are checked against without reading them.
package struct ParkedIndex: Codable, Equatable, Sendable {
    var version = 2
    package var installations: [String: ParkedInstallation] = [:]
    /// Requests parked since the data directory was created (claimed or expired ones included);
    /// also the next record's sequence number, so no sequence is ever used twice.
    var parkedEver: UInt64 = 0
    /// Of those, the requests that named a well-formed user id no user has.
    var unknownUserParkedEver: UInt64 = 0
    var addresses: [String: AddressShare] = [:]

    var totalBytes: Int { installations.values.reduce(0) { $0 + $1.bytes } }

    package static func read(_ directory: DataDirectory) throws(StorageError) -> ParkedIndex {
        let path = directory.parkedIndexPath
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory { return ParkedIndex() }
            throw error.storage("read", path)
        }
        do {
            let index = try JSONDecoder().decode(ParkedIndex.self, from: Data(bytes))
            guard index.version == 2 else { throw StorageError.corrupt(path: path, reason: "unknown version \(index.version)") }
            return index
        } catch let error as StorageError {
            throw error
        } catch {
            throw .corrupt(path: path, reason: "not a parked-data index: \(error)")
        }
    }

    func write(_ directory: DataDirectory, durable: Bool) throws(StorageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
        try AtomicFile.replace(directory.parkedIndexPath, with: bytes, durable: durable)
    }

    /// Forgets the shares of windows that ended, and keeps at most `limit` addresses (the
    /// oldest windows go first), so the index stays bounded whatever addresses send.
    mutating func pruneShares(nowSeconds: UInt64, windowSeconds: UInt64, limit: Int) {
        addresses = addresses.filter { $0.value.windowStartSeconds &+ windowSeconds > nowSeconds }
        if addresses.count > limit {
            let keep = addresses.sorted { $0.value.windowStartSeconds > $1.value.windowStartSeconds }.prefix(limit)
            addresses = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
