/// `CLOCK_MONOTONIC`, for deadlines that wall-clock changes must not move.
package enum MonotonicClock {
    /// Nanoseconds since an arbitrary start (the boot, on Linux).
    package static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
