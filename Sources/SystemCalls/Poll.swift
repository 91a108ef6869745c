/// `poll`, for the transport's waits: an interrupted wait is a wait that ended without news,
/// so the caller looks at its clock and stop flag again instead of handling `EINTR`.
package enum Poll {
    /// Waits for `events` on one descriptor. Returns its `revents`; 0 on timeout or interruption.
    @inline(never)
    package static func one(_ descriptor: CInt, events: Int16, timeoutMilliseconds: CInt) throws(SystemCallError) -> Int16 {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let result = poll(&entry, 1, timeoutMilliseconds)
        if result == -1 {
            let number = errno
            if number == EINTR { return 0 }
            throw SystemCallError(call: "poll", errno: number)
        }
        return result == 0 ? 0 : entry.revents
    }

    /// Waits on every entry (`revents` filled in). Returns how many have events; 0 on timeout
    /// or interruption.
    @inline(never)
    package static func wait(_ entries: inout [pollfd], timeoutMilliseconds: CInt) throws(SystemCallError) -> Int {
        let result = entries.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
        if result == -1 {
            let number = errno
            if number == EINTR { return 0 }
            throw SystemCallError(call: "poll", errno: number)
        }
        return Int(result)
    }

    /// The timeout that reaches the monotonic time `end` from `now` (rounded up: a wait that
    /// ends a little early would only spin once more).
    package static func milliseconds(until end: UInt64, from now: UInt64) -> CInt {
        end > now ? CInt(clamping: (end - now) / 1_000_000 + 1) : 0
    }
}
