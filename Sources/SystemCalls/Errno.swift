/// A POSIX error number, kept typed so callers can tell "no space" from "permission denied"
/// without comparing raw integers.
package struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: Int32

    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    package static var current: Errno { Errno(rawValue: errno) }

    package static let noSuchFile = Errno(rawValue: ENOENT)
    package static let fileExists = Errno(rawValue: EEXIST)
    package static let interrupted = Errno(rawValue: EINTR)
    package static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    package static let noSpace = Errno(rawValue: ENOSPC)
    package static let quotaExceeded = Errno(rawValue: EDQUOT)
    package static let permissionDenied = Errno(rawValue: EACCES)
    package static let notPermitted = Errno(rawValue: EPERM)
    package static let readOnlyFileSystem = Errno(rawValue: EROFS)
    package static let notADirectory = Errno(rawValue: ENOTDIR)
    package static let isADirectory = Errno(rawValue: EISDIR)
    package static let directoryNotEmpty = Errno(rawValue: ENOTEMPTY)
    /// What `open` with `O_NOFOLLOW` reports when the path is a symbolic link.
    package static let symbolicLinkLoop = Errno(rawValue: ELOOP)

    package var description: String {
        guard let text = strerror(rawValue) else { return "errno \(rawValue)" }
        return String(cString: text)
    }
}

/// Runs a system call, retrying on `EINTR`, and turns a `-1` result into a thrown ``Errno``.
@discardableResult
package func retryingOnInterrupt<T: FixedWidthInteger>(_ call: () -> T) throws(Errno) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}
