// The error number is swift-system's `Errno` (typed, `~=` to match a thrown error); what the
// layer adds is the thread's current value and the two ways a call becomes a typed throw.

extension Errno {
    /// The calling thread's current `errno`.
    package static var current: Errno { Errno(rawValue: errno) }
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

/// Runs swift-system calls, which throw untyped (always an ``Errno``: they retry `EINTR`
/// themselves), as one typed throw.
@inline(__always)
package func typed<T>(_ body: () throws -> T) throws(Errno) -> T {
    do {
        return try body()
    } catch let error as Errno {
        throw error
    } catch {
        throw Errno.ioError
    }
}
