/// A failed system call with its name and ``Errno``, for the message an operator reads
/// (threads, signals, standard streams, sockets). Storage maps an ``Errno`` to its own
/// operation names instead (`StorageError.system`).
package struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    package let call: String
    package let errno: Errno

    package init(call: String, errno: Errno) {
        self.call = call
        self.errno = errno
    }

    /// A failure reported as a raw `errno` value (pthreads return theirs instead of setting it).
    package init(call: String, errno: CInt) {
        self.init(call: call, errno: Errno(rawValue: errno))
    }

    package var description: String {
        "\(call) failed: \(errno) (errno \(errno.rawValue))"
    }
}

/// Runs a system call, retrying on `EINTR`, and turns a `-1` result into a thrown
/// ``SystemCallError`` named `call`.
@discardableResult
package func retryingOnInterrupt<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws(SystemCallError) -> T {
    do {
        return try retryingOnInterrupt(body)
    } catch {
        throw SystemCallError(call: call, errno: error)
    }
}
