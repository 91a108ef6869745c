import Foundation
import SystemCalls

/// What `claude-telemetry unclaimed` lists about one installation with parked data.
public struct ParkedInstallation: Codable, Equatable, Sendable {
    public var installation: String
    public var firstSeen: String
    public var lastSeen: String
    /// Requests and bytes (files as stored) parked now.
    public var requests: Int
    public var bytes: Int
    public var email: String?
    public var facts: MachineFacts
    /// Bookkeeping: the oldest parked file's sequence and receive time, the next sequence.
    public var firstSequence: UInt64
    public var nextSequence: UInt64
    public var oldestReceivedNanoseconds: UInt64
}

/// `attribution/parked/index.json`: every installation with parked data, replaced atomically
/// under the attribution lock after each change. The request files are the data; the index is
/// what the bounds are checked against without listing every directory.
package struct ParkedIndex: Codable, Equatable, Sendable {
    var version = 1
    package var installations: [String: ParkedInstallation] = [:]
    /// Requests parked since the data directory was created (claimed or expired ones included).
    var parkedEver = 0

    var totalBytes: Int { installations.values.reduce(0) { $0 + $1.bytes } }

    package static func read(_ directory: DataDirectory) throws(StorageError) -> ParkedIndex {
        let path = directory.parkedIndexPath
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFile { return ParkedIndex() }
            throw error.storage("read", path)
        }
        do {
            let index = try JSONDecoder().decode(ParkedIndex.self, from: Data(bytes))
            guard index.version == 1 else { throw StorageError.corrupt(path: path, reason: "unknown version \(index.version)") }
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
}
