import Synchronization
import SystemCalls
import TelemetryDecoding
import TelemetryStore

/// The health answers, encoded once per state of the parked area: a health check costs one
/// `stat` of the parked index (replaced by rename on every change, so a new inode, size or
/// modification time means new figures; nil while there is none), not a read and an encoding.
final class HealthAnswers: Sendable {
    private struct Identity: Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private let documents: [Signal: HealthDocument]
    private let directory: DataDirectory
    private let cache = Mutex<[Signal: (identity: Identity?, response: HTTPResponse)]>([:])

    init(maxBodyBytes: Int, directory: DataDirectory) {
        self.directory = directory
        documents = Dictionary(
            uniqueKeysWithValues: Signal.allCases.map { ($0, HealthDocument(signal: $0, maxBodyBytes: maxBodyBytes)) })
    }

    func response(_ signal: Signal) -> HTTPResponse {
        let identity = Self.identity(directory.parkedIndexPath)
        if let cached = cache.withLock({ $0[signal] }), cached.identity == identity {
            return cached.response
        }
        var document = documents[signal]!
        document.parked = ParkedNotice(directory)
        let response = document.response
        // Kept under the identity seen before reading: if the index changed in between, the next
        // check sees another identity and reads again. An unreadable index is read every time.
        if document.parked?.error == nil { cache.withLock { $0[signal] = (identity, response) } }
        return response
    }

    private static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: info.st_mtim.tv_sec,
            nanoseconds: info.st_mtim.tv_nsec)
    }
}
