/// Standard input and output of a plain CGI request (the web server runs the program per
/// request and talks to it through fds 0 and 1).
package enum StandardStreams {
    /// `read(0)` once input is there, retried on `EINTR`; nil when none arrives before the
    /// monotonic time `deadline` (``MonotonicClock/nanoseconds()``).
    @inline(never)
    package static func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: UInt64) throws(SystemCallError) -> Int? {
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { return nil }
            let ready = try Poll.one(
                STDIN_FILENO, events: Int16(POLLIN), timeoutMilliseconds: Poll.milliseconds(until: deadline, from: now))
            if ready == 0 { continue }
            return try retryingOnInterrupt("read(stdin)") { systemRead(STDIN_FILENO, buffer.baseAddress, buffer.count) }
        }
    }

    /// Writes all of `bytes` to fd 1, across partial writes and `EINTR`.
    @inline(never)
    package static func writeAllToOutput(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            offset += try retryingOnInterrupt("write(stdout)") {
                bytes.withUnsafeBytes { buffer in systemWrite(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                }
            }
        }
    }
}
