import Synchronization
import SystemCalls

/// Ends connections that overrun their deadline while a worker is blocked inside libfcgi.
///
/// libfcgi reads and writes with blocking calls and no timeout, so a peer that sends its body
/// slowly (a byte every few seconds defeats any per-read timeout) would hold a worker
/// forever. One thread per process looks at every worker's deadline a few times a second
/// and shuts the overdue socket down, which makes the blocked `read` return end-of-file and
/// the worker answer and move on. Arming and disarming are an uncontended lock each: no system
/// call and no thread on the request path.
package final class ConnectionDeadlines: Sendable {
    /// One worker's connection: its descriptor and deadline while armed.
    package final class Slot: Sendable {
        struct State {
            var descriptor: CInt = -1
            var deadline: UInt64 = 0
            var how: CInt = 0
            var fired = false
        }

        let state = Mutex(State())

        /// Watches `descriptor` until ``disarm()``: at `deadline` (``ConnectionDeadlines/now()``
        /// nanoseconds) it is shut down for reading, or for both directions when `reading` is false.
        package func arm(_ descriptor: CInt, deadline: UInt64, reading: Bool) {
            state.withLock {
                $0.descriptor = descriptor
                $0.deadline = deadline
                $0.how = reading ? CInt(SHUT_RD) : CInt(SHUT_RDWR)
                $0.fired = false
            }
        }

        /// Stops watching. Once this returns the watcher never touches the descriptor again,
        /// so it may be closed (and its number reused). Returns whether the deadline fired.
        @discardableResult
        package func disarm() -> Bool {
            state.withLock {
                $0.descriptor = -1
                return $0.fired
            }
        }

        /// Whether the deadline fired since the last ``arm(_:deadline:reading:)``.
        package var fired: Bool { state.withLock { $0.fired } }

        /// Called by the watcher: shuts the socket down when overdue. Under the lock, so the
        /// worker cannot close the descriptor in between.
        func expire(at now: UInt64) {
            state.withLock {
                guard $0.descriptor >= 0, now >= $0.deadline else { return }
                _ = shutdown($0.descriptor, $0.how)
                $0.fired = true
                $0.descriptor = -1
            }
        }
    }

    private let slots = Mutex<[Slot]>([])
    /// How often the watcher looks; a deadline is met within this much.
    package let tickMilliseconds: Int

    package init(tickMilliseconds: Int) {
        self.tickMilliseconds = max(1, tickMilliseconds)
    }

    /// A slot for one worker, watched from now on.
    package func makeSlot() -> Slot {
        let slot = Slot()
        slots.withLock { $0.append(slot) }
        return slot
    }

    /// Starts the watcher thread; it runs until the process exits.
    package func start() throws(FastCGIError) {
        let argument = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, nil, deadlineWatcherMain, argument)
        guard result == 0 else {
            Unmanaged<ConnectionDeadlines>.fromOpaque(argument).release()
            throw .system(call: "pthread_create", errno: result)
        }
        #if canImport(Darwin)
            pthread_detach(thread!)
        #else
            pthread_detach(thread)
        #endif
    }

    func watch() -> Never {
        while true {
            usleep(useconds_t(tickMilliseconds * 1000))
            let current = Self.now()
            for slot in slots.withLock({ $0 }) {
                slot.expire(at: current)
            }
        }
    }

    /// Monotonic nanoseconds (`CLOCK_MONOTONIC`, served by the vDSO: no system call).
    package static func now() -> UInt64 { MonotonicClock.nanoseconds() }
}

#if canImport(Darwin)
    private func deadlineWatcherMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        Unmanaged<ConnectionDeadlines>.fromOpaque(argument).takeRetainedValue().watch()
    }
#else
    private func deadlineWatcherMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        Unmanaged<ConnectionDeadlines>.fromOpaque(argument).takeRetainedValue().watch()
    }
#endif
