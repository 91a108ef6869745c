import SystemCalls

/// The signals that stop the responder, taken synchronously by the main thread instead of by
/// a handler: they are blocked before any worker starts, so no worker is ever interrupted
/// inside libfcgi, and the main thread collects them with `sigtimedwait`.
///
/// SIGUSR1 is among them because libfcgi installs its own SIGUSR1 handler, which would make
/// every later accept fail while the socket stays readable (a busy loop).
struct StopSignals {
    static let numbers: [CInt] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1]

    private var set = sigset_t()

    /// Blocks the stop signals in the calling thread and in every thread it starts later.
    static func block() throws(SystemCallError) -> StopSignals {
        var signals = StopSignals()
        sigemptyset(&signals.set)
        for number in numbers { sigaddset(&signals.set, number) }
        let result = pthread_sigmask(SIG_BLOCK, &signals.set, nil)
        guard result == 0 else { throw SystemCallError(call: "pthread_sigmask", errno: result) }
        return signals
    }

    /// A write to a web server that went away must fail with `EPIPE`, not kill the process.
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `milliseconds` for a stop signal and takes it; nil when none came.
    func wait(milliseconds: Int) -> CInt? {
        var set = self.set
        #if os(Linux)
            var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
            let result = sigtimedwait(&set, nil, &timeout)
            return result > 0 ? result : nil
        #else
            // No sigtimedwait here: look at the pending set, and take a pending signal with sigwait.
            var pending = sigset_t()
            sigpending(&pending)
            if Self.numbers.contains(where: { sigismember(&pending, $0) == 1 }) {
                var taken: CInt = 0
                if sigwait(&set, &taken) == 0 { return taken }
            }
            usleep(useconds_t(milliseconds * 1000))
            return nil
        #endif
    }

    static func name(_ number: CInt) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        case SIGUSR1: return "SIGUSR1"
        default: return "signal \(number)"
        }
    }
}
