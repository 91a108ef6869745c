import Dispatch
import Synchronization
import SystemCalls

/// Accepts every FastCGI connection of the process on one thread and hands a worker only a
/// connection whose request is ready: its whole parameter block has arrived (and passed
/// ``ParameterBlockScan``), or it was refused and needs only its answer.
///
/// Connections that have not yet sent their parameters wait here, in one `poll` with their
/// deadlines, not in a worker: a few hundred silent or trickling peers cost descriptors and
/// a poll entry each, never a worker, so a health check behind them is answered at once. A
/// connection kept open by the web server (FastCGI keep-conn) comes back here between its
/// requests, for at most the timeout.
///
/// While a partial block sits in a socket, `poll` would report it readable at once (the bytes
/// are only peeked, left for libfcgi), so such a connection is polled for hang-up only and
/// peeked again after a short pause that doubles up to 20 ms.
package final class ConnectionAcceptor: Sendable {
    package let listeningSocket: ListeningSocket
    package let timeoutMilliseconds: Int
    package let parameterBlockLimit: Int
    /// At most this many connections wait for their parameters; beyond it the one waiting
    /// longest without having sent a byte is closed to make room.
    package let maxPending: Int

    private let ready = Mutex(ReadyQueue())
    private let readySignal = DispatchSemaphore(value: 0)
    /// Connections the workers hand back between kept requests.
    private let returned = Mutex<[CInt]>([])
    /// The accepting thread's wake-up pipe: read end polled, write end written by ``keep(_:)``.
    private let wakeRead: CInt
    private let wakeWrite: CInt
    private let log: @Sendable (String) -> Void
    private let fail: @Sendable (String) -> Void

    struct ReadyQueue {
        var connections: [ReadyConnection] = []
        var head = 0
        /// Set when the accepting thread stopped: no more connections will come.
        var finished = false

        mutating func pop() -> ReadyConnection? {
            guard head < connections.count else { return nil }
            let next = connections[head]
            head += 1
            if head > 64 && head * 2 > connections.count {
                connections.removeFirst(head)
                head = 0
            }
            return next
        }
    }

    /// `log` receives connections closed without a request (for the log); `fail` a failure of
    /// the listening socket itself, after which nothing more is accepted.
    package init(
        listeningSocket: ListeningSocket, timeoutMilliseconds: Int,
        parameterBlockLimit: Int = FastCGIRequest.defaultParameterBlockLimit,
        maxPending: Int = ConnectionAcceptor.defaultMaxPending(),
        log: @escaping @Sendable (String) -> Void, fail: @escaping @Sendable (String) -> Void
    ) throws(FastCGIError) {
        self.listeningSocket = listeningSocket
        self.timeoutMilliseconds = timeoutMilliseconds
        self.parameterBlockLimit = parameterBlockLimit
        self.maxPending = max(1, maxPending)
        self.log = log
        self.fail = fail
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .system(call: "pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    /// Half the descriptors the process may open (the rest are for the workers' files), at
    /// least 16.
    package static func defaultMaxPending() -> Int {
        var limit = rlimit()
        guard getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 512 }
        return max(16, Int(min(limit.rlim_cur, 1 << 20)) / 2)
    }

    /// The next ready connection, waiting for one; nil once the accepting thread has stopped
    /// and every ready connection was taken.
    package func next() -> ReadyConnection? {
        while true {
            let (connection, finished) = ready.withLock { queue in (queue.pop(), queue.finished) }
            if let connection { return connection }
            if finished { return nil }
            _ = readySignal.wait(timeout: .now() + .milliseconds(200))
        }
    }

    /// A worker hands back a connection the web server keeps open, to wait here for its next
    /// request (at most the timeout).
    package func keep(_ descriptor: CInt) {
        returned.withLock { $0.append(descriptor) }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// The connections handed back since the last look, taken out of the list.
    private func takeReturned() -> [CInt] {
        returned.withLock { list in
            let taken = list
            list.removeAll()
            return taken
        }
    }

    private func hand(_ connection: ReadyConnection) {
        ready.withLock { $0.connections.append(connection) }
        readySignal.signal()
    }

    private func finish() {
        ready.withLock { $0.finished = true }
    }

    /// One connection waiting for its parameters.
    struct Pending {
        let descriptor: CInt
        let deadline: UInt64
        /// Between kept requests: closing it at the deadline is routine, not worth a log line.
        let kept: Bool
        /// When to peek again (a partial block is there); 0 while nothing has arrived (then
        /// `poll` says when something does).
        var recheckAt: UInt64 = 0
        var pauseMilliseconds: UInt64 = 1
        var peeked = 0
    }

    /// Runs the accepting loop until `shouldStop` says so, on the calling thread (start it on a
    /// thread of its own: ``start(until:)``). On stop, connections whose parameters have all
    /// arrived are still handed on; the others are closed; the listening socket stays open
    /// (shared with sibling processes, or held by systemd or the master for the next responder).
    package func run(until shouldStop: () -> Bool) {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(parameterBlockLimit, 4096), alignment: 16)
        defer { scratch.deallocate() }
        let timeout = UInt64(timeoutMilliseconds) * 1_000_000
        var pending: [Pending] = []
        var acceptPausedUntil: UInt64 = 0
        var entries: [pollfd] = []
        defer { finish() }

        while true {
            if shouldStop() {
                for item in pending {
                    switch verdict(item, scratch: scratch, hungUp: false) {
                    case .ready(let kind): hand(ReadyConnection(descriptor: item.descriptor, kind: kind, deadline: item.deadline))
                    default: close(item.descriptor)
                    }
                }
                for descriptor in takeReturned() { close(descriptor) }
                return
            }
            var now = ConnectionDeadlines.now()
            // At the bound, a new connection is still taken when a silent one can make room.
            let listening =
                now >= acceptPausedUntil && (pending.count < maxPending || pending.contains { $0.peeked == 0 })
            entries.removeAll(keepingCapacity: true)
            entries.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            entries.append(pollfd(fd: listening ? listeningSocket.descriptor : -1, events: Int16(POLLIN), revents: 0))
            var wait: UInt64 = 200_000_000
            if !listening && acceptPausedUntil > now { wait = min(wait, acceptPausedUntil - now) }
            for item in pending {
                let events = item.recheckAt == 0 ? Int16(POLLIN) : Socket.readHangUpEvent
                entries.append(pollfd(fd: item.descriptor, events: events, revents: 0))
                wait = min(wait, item.deadline > now ? item.deadline - now : 0)
                if item.recheckAt != 0 { wait = min(wait, item.recheckAt > now ? item.recheckAt - now : 0) }
            }
            let result: Int
            do {
                result = try Poll.wait(&entries, timeoutMilliseconds: CInt(clamping: (wait + 999_999) / 1_000_000))
            } catch {
                fail("poll over the pending connections failed: \(error)")
                return
            }
            now = ConnectionDeadlines.now()

            // Examine the connections polled this round (new ones are examined as they come).
            var kept: [Pending] = []
            kept.reserveCapacity(pending.count)
            for (index, var item) in pending.enumerated() {
                let revents = result > 0 ? entries[index + 2].revents : 0
                let hungUp = revents & (Socket.readHangUpEvent | Int16(POLLHUP | POLLERR | POLLNVAL)) != 0
                let due = (item.recheckAt == 0 && revents != 0) || (item.recheckAt != 0 && now >= item.recheckAt) || hungUp
                if due {
                    switch verdict(item, scratch: scratch, hungUp: hungUp) {
                    case .ready(let kind):
                        hand(ReadyConnection(descriptor: item.descriptor, kind: kind, deadline: item.deadline))
                        continue
                    case .closed(let reason):
                        close(item.descriptor)
                        if let reason, !item.kept { log(reason) }
                        continue
                    case .waiting(let peeked):
                        if peeked == 0 {
                            item.recheckAt = 0
                        } else {
                            if peeked != item.peeked { item.pauseMilliseconds = 1 }
                            item.recheckAt = now + item.pauseMilliseconds * 1_000_000
                            item.pauseMilliseconds = min(item.pauseMilliseconds * 2, 20)
                        }
                        item.peeked = peeked
                    }
                }
                if now >= item.deadline {
                    close(item.descriptor)
                    if !item.kept {
                        log("no whole request within \(timeoutMilliseconds) ms (\(item.peeked) bytes received)")
                    }
                    continue
                }
                kept.append(item)
            }
            pending = kept

            if result > 0 && entries[0].revents != 0 {
                var sink = [UInt8](repeating: 0, count: 256)
                while read(wakeRead, &sink, sink.count) > 0 {}
            }
            for descriptor in takeReturned() {
                admit(Pending(descriptor: descriptor, deadline: now + timeout, kept: true), into: &pending, scratch: scratch)
            }
            if listening && result > 0 && entries[1].revents != 0 {
                if entries[1].revents & Int16(POLLNVAL) != 0 {
                    fail("the listening socket (fd \(listeningSocket.descriptor)) is closed")
                    return
                }
                // Non-blocking again before accepting: systemd clears O_NONBLOCK on the socket's
                // shared open file description whenever it runs the service's ExecReload= (it
                // hands the socket to every command it runs, as fd 0), and an accept that found
                // the backlog empty would then sleep with a connection left unanswered in `pending`.
                try? listeningSocket.setNonBlocking()
                // A burst is taken in one round, bounded so the pending connections are not starved.
                for _ in 0..<64 where pending.count < maxPending || evictSilent(from: &pending) {
                    let descriptor: CInt?
                    do {
                        descriptor = try Self.accept(listeningSocket.descriptor)
                    } catch {
                        if Self.isFatal(error) {
                            fail("the listening socket is unusable, stopping: \(error)")
                            return
                        }
                        // Out of descriptors, say: try again shortly instead of spinning.
                        log("accepting a connection failed, retrying: \(error)")
                        acceptPausedUntil = now + 100_000_000
                        break
                    }
                    guard let descriptor else { break }
                    admit(Pending(descriptor: descriptor, deadline: now + timeout, kept: false), into: &pending, scratch: scratch)
                }
            }
        }
    }

    /// A new or returned connection: often its parameters are there already.
    private func admit(_ item: Pending, into pending: inout [Pending], scratch: UnsafeMutableRawBufferPointer) {
        var item = item
        switch verdict(item, scratch: scratch, hungUp: false) {
        case .ready(let kind):
            hand(ReadyConnection(descriptor: item.descriptor, kind: kind, deadline: item.deadline))
        case .closed(let reason):
            close(item.descriptor)
            if let reason, !item.kept { log(reason) }
        case .waiting(let peeked):
            item.peeked = peeked
            if peeked > 0 { item.recheckAt = ConnectionDeadlines.now() + 1_000_000 }
            pending.append(item)
        }
    }

    /// Closes the connection waiting longest without having sent a byte; false when there is none.
    private func evictSilent(from pending: inout [Pending]) -> Bool {
        guard
            let index = pending.indices.filter({ pending[$0].peeked == 0 }).min(by: {
                pending[$0].deadline < pending[$1].deadline
            })
        else { return false }
        close(pending[index].descriptor)
        if !pending[index].kept { log("closed a silent connection to make room (\(maxPending) connections waiting)") }
        pending.remove(at: index)
        return true
    }

    enum Verdict {
        case ready(ReadyConnection.Kind)
        case waiting(peeked: Int)
        /// Closed without a request; the reason is for the log (nil: the peer simply closed).
        case closed(String?)
    }

    /// Peeks at the connection's start and says what it amounts to.
    private func verdict(_ item: Pending, scratch: UnsafeMutableRawBufferPointer, hungUp: Bool) -> Verdict {
        let peeked: Int
        switch Socket.peek(item.descriptor, into: UnsafeMutableRawBufferPointer(rebasing: scratch[..<parameterBlockLimit])) {
        case .bytes(let count): peeked = count
        case .endOfFile: return .closed(nil)
        case .failed(let error): return .closed("reading the request failed: \(FastCGIError.system(error))")
        }
        switch ParameterBlockScan.scan(UnsafeRawBufferPointer(rebasing: scratch[..<peeked]), limit: parameterBlockLimit) {
        case .complete:
            return .ready(.request)
        case .refused(let refusal, let requestID?):
            return .ready(.refused(refusal, requestID: requestID))
        case .refused(let refusal, nil):
            return .closed("\(refusal)")
        case .incomplete:
            if hungUp {
                return .closed(
                    peeked == 0
                        ? nil : "the peer closed the connection before sending a whole request (\(peeked) bytes received)")
            }
            return .waiting(peeked: peeked)
        }
    }

    /// Errors that mean the listening socket itself is gone or was never one.
    /// Accepts a connection (nil when there is none to take), as libfcgi's own accept does: a
    /// TCP connection must come from an address in `FCGI_WEB_SERVER_ADDRS` when that is set.
    static func accept(_ listening: CInt) throws(FastCGIError) -> CInt? {
        guard let accepted = try FastCGIError.calling({ () throws(SystemCallError) in try Socket.accept(listening) })
        else { return nil }
        // The peer's address is written out only when there is a list to look it up in.
        if let allowed = webServerAddresses, let peer = accepted.peerIPv4, !allowed.contains(Socket.text(of: peer)) {
            close(accepted.descriptor)
            return nil
        }
        return accepted.descriptor
    }

    /// `FCGI_WEB_SERVER_ADDRS`: the IPv4 addresses TCP connections may come from, when set and
    /// not empty. A value with no address in it (`","`) lets no one in, as libfcgi reads it: a
    /// mistyped list must not switch the check off.
    static let webServerAddresses: Set<String>? = {
        guard let value = getenv("FCGI_WEB_SERVER_ADDRS"), value.pointee != 0 else { return nil }
        return Set(String(cString: value).split(separator: ",").map { String($0).filter { $0 != " " } })
    }()

    package static func isFatal(_ error: FastCGIError) -> Bool {
        switch error {
        case .system(let failure):
            let number = failure.errno.rawValue
            return number == EBADF || number == ENOTSOCK || number == EINVAL || number == EOPNOTSUPP
        case .library, .invalidAddress:
            return false
        }
    }

    /// Starts ``run(until:)`` on a thread of its own; `shouldStop` is called from that thread.
    package func start(until shouldStop: @escaping @Sendable () -> Bool) throws(FastCGIError) {
        let box = Unmanaged.passRetained(AcceptorThreadArgument(acceptor: self, shouldStop: shouldStop)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, nil, acceptorThreadMain, box)
        guard result == 0 else {
            Unmanaged<AcceptorThreadArgument>.fromOpaque(box).release()
            throw .system(call: "pthread_create", errno: result)
        }
        #if canImport(Darwin)
            pthread_detach(thread!)
        #else
            pthread_detach(thread)
        #endif
    }
}

/// What the accepting thread is started with.
final class AcceptorThreadArgument: Sendable {
    let acceptor: ConnectionAcceptor
    let shouldStop: @Sendable () -> Bool

    init(acceptor: ConnectionAcceptor, shouldStop: @escaping @Sendable () -> Bool) {
        self.acceptor = acceptor
        self.shouldStop = shouldStop
    }
}

#if canImport(Darwin)
    private func acceptorThreadMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let box = Unmanaged<AcceptorThreadArgument>.fromOpaque(argument).takeRetainedValue()
        box.acceptor.run(until: box.shouldStop)
        return nil
    }
#else
    private func acceptorThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        let box = Unmanaged<AcceptorThreadArgument>.fromOpaque(argument).takeRetainedValue()
        box.acceptor.run(until: box.shouldStop)
        return nil
    }
#endif
