package import SystemCalls

/// A failure of the data directory. Every case leaves what was stored unchanged; the
/// responder answers all of them with a retryable 503.
package enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed (no space, permission, read-only file system, I/O error, ...).
    case system(operation: String, path: String, errno: Errno)
    /// Another writer held the user's lock for longer than the configured wait.
    case lockTimeout(path: String, waitedMilliseconds: Int)
    /// A stored file exists but cannot be read as what it should be. It is never replaced
    /// silently: an operator decides what to do (`claude-telemetry verify`).
    case corrupt(path: String, reason: String)
    /// Something other than a regular file (a symbolic link, a directory, a pipe) sits where the
    /// store reads or writes one of its files. It is never followed or written through: an
    /// operator removes it.
    case notRegularFile(path: String, kind: String)

    package var description: String {
        switch self {
        case .system(let operation, let path, let errno):
            return "\(operation) \(path): \(errno)"
        case .lockTimeout(let path, let waited):
            return "lock \(path) still held by another writer after \(waited) ms"
        case .corrupt(let path, let reason):
            return "\(path) is corrupt: \(reason)"
        case .notRegularFile(let path, let kind):
            return "\(path) is a \(kind): refusing to follow it or write through it (an operator must remove it)"
        }
    }

    /// True when the failure is the disk filling up (useful for operators' messages).
    package var isOutOfSpace: Bool {
        if case .system(_, _, let errno) = self { return errno == .noSpace || errno == .diskQuotaExceeded }
        return false
    }
}

extension Errno {
    /// Wraps this errno as a ``StorageError`` naming what was attempted.
    func storage(_ operation: String, _ path: String) -> StorageError {
        .system(operation: operation, path: path, errno: self)
    }
}
