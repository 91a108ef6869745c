import SystemCalls

/// The few system calls this module makes around libfcgi, each retried on `EINTR` where
/// that is safe and turned into a thrown ``FastCGIError`` (after swift-nio's `Posix`).
///
/// Every wrapper is `@inline(never)` and reads `errno` straight after the call, before other
/// code (retain/release, allocation) could overwrite it.
enum SystemCall {
    /// `fcntl(F_GETFL)`.
    @inline(never)
    static func statusFlags(_ descriptor: CInt) throws(FastCGIError) -> CInt {
        do {
            return try retryingOnInterrupt("fcntl(F_GETFL)") { fcntl(descriptor, F_GETFL) }
        } catch {
            throw .system(error)
        }
    }

    /// `fcntl(F_SETFL)`.
    @inline(never)
    static func setStatusFlags(_ descriptor: CInt, _ flags: CInt) throws(FastCGIError) {
        do {
            try retryingOnInterrupt("fcntl(F_SETFL)") { fcntl(descriptor, F_SETFL, flags) }
        } catch {
            throw .system(error)
        }
    }

    /// `poll` on one descriptor. Returns its `revents`, 0 on timeout. `EINTR` counts as a
    /// timeout so that the caller looks at its stop flag again.
    @inline(never)
    static func pollOne(_ descriptor: CInt, events: Int16, timeoutMilliseconds: CInt) throws(FastCGIError) -> Int16 {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let result = poll(&entry, 1, timeoutMilliseconds)
        if result == -1 {
            let number = errno
            if number == EINTR { return 0 }
            throw .system(call: "poll", errno: number)
        }
        return result == 0 ? 0 : entry.revents
    }

    /// `lstat`, or nil when nothing exists at `path`.
    @inline(never)
    static func fileStatus(_ path: String) throws(FastCGIError) -> stat? {
        var information = stat()
        if lstat(path, &information) == 0 { return information }
        let number = errno
        if number == ENOENT { return nil }
        throw .system(call: "lstat(\(path))", errno: number)
    }

    /// `unlink`; a file that is already gone is fine.
    @inline(never)
    static func removeFile(_ path: String) throws(FastCGIError) {
        if unlink(path) == 0 { return }
        let number = errno
        if number == ENOENT { return }
        throw .system(call: "unlink(\(path))", errno: number)
    }

    /// `chmod`.
    @inline(never)
    static func changeMode(_ path: String, _ mode: mode_t) throws(FastCGIError) {
        do {
            try retryingOnInterrupt("chmod(\(path))") { chmod(path, mode) }
        } catch {
            throw .system(error)
        }
    }

    /// True when something accepts connections on the Unix socket at `path`: a socket file
    /// that refuses them is stale, left behind by a process that is gone.
    @inline(never)
    static func unixSocketIsLive(_ path: String) throws(FastCGIError) -> Bool {
        #if canImport(Glibc)
            let probe = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        #else
            let probe = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        if probe == -1 {
            let number = errno
            throw .system(call: "socket", errno: number)
        }
        defer { close(probe) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return true }
        let number = errno
        switch number {
        case ECONNREFUSED, ENOENT: return false
        default: throw .system(call: "connect(\(path))", errno: number)
        }
    }

    /// Binds a throwaway socket to `address` and releases it again. libfcgi's
    /// `FCGX_OpenSocket` prints `bind/listen: ...` and calls `exit()` when binding fails, so
    /// the usual failures (port taken, directory not writable) are found here first and
    /// reported like every other error.
    @inline(never)
    static func checkBindable(_ address: ListenAddress) throws(FastCGIError) {
        let domain: CInt
        switch address {
        case .unix: domain = AF_UNIX
        case .tcp: domain = AF_INET
        }
        #if canImport(Glibc)
            let probe = socket(domain, CInt(SOCK_STREAM.rawValue), 0)
        #else
            let probe = socket(domain, SOCK_STREAM, 0)
        #endif
        if probe == -1 {
            let number = errno
            throw .system(call: "socket", errno: number)
        }
        defer { close(probe) }
        let result: CInt
        switch address {
        case .unix(let path):
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
                buffer.copyBytes(from: Array(path.utf8.prefix(buffer.count - 1)))
            }
            result = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { unlink(path) }
        case .tcp(let host, let port):
            var reuse: CInt = 1
            setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<CInt>.size))
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else {
                throw .invalidAddress(address.description, reason: "not an IPv4 address")
            }
            result = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if result != 0 {
            let number = errno
            throw .system(call: "bind(\(address))", errno: number)
        }
    }

    /// `accept` on the non-blocking listening socket (as libfcgi's own accept). Returns nil when another
    /// thread or process took the connection first (or the peer gave up). A TCP connection gets
    /// `TCP_NODELAY` and must come from an address in `FCGI_WEB_SERVER_ADDRS` when that is set,
    /// as libfcgi's own accept does.
    @inline(never)
    static func acceptConnection(_ listening: CInt) throws(FastCGIError) -> CInt? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let descriptor = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                accept(listening, $0, &length)
            }
        }
        if descriptor == -1 {
            let number = errno
            switch number {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
            default: throw .system(call: "accept", errno: number)
            }
        }
        if CInt(address.ss_family) == AF_INET {
            var on: CInt = 1
            setsockopt(descriptor, CInt(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<CInt>.size))
            if let allowed = webServerAddresses {
                let peer = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                }
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                var peerAddress = peer
                inet_ntop(AF_INET, &peerAddress, &text, socklen_t(text.count))
                if !allowed.contains(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) {
                    close(descriptor)
                    return nil
                }
            }
        }
        return descriptor
    }

    /// `FCGI_WEB_SERVER_ADDRS`: the IPv4 addresses TCP connections may come from, when set.
    static let webServerAddresses: Set<String>? = {
        guard let value = getenv("FCGI_WEB_SERVER_ADDRS") else { return nil }
        let list = String(cString: value).split(separator: ",").map { String($0).filter { $0 != " " } }
        return list.isEmpty ? nil : Set(list)
    }()

    /// `POLLRDHUP` (Linux, `_GNU_SOURCE` only, so not imported): the peer shut down its sending side.
    static let pollReadHangUp: Int16 = 0x2000

    /// What a non-blocking peek found.
    enum Peek {
        case bytes(Int)
        case endOfFile
        case failed(FastCGIError)
    }

    /// `recv(MSG_PEEK | MSG_DONTWAIT)`: the bytes waiting, left in the socket.
    @inline(never)
    static func peek(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Peek {
        do {
            let count = try retryingOnInterrupt("recv") {
                recv(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_PEEK | MSG_DONTWAIT))
            }
            return count == 0 ? .endOfFile : .bytes(count)
        } catch {
            // EAGAIN is EWOULDBLOCK on every platform this builds for.
            return error.errno == .wouldBlock ? .bytes(0) : .failed(.system(error))
        }
    }

    /// Writes all of `bytes`, across partial writes and `EINTR`.
    @inline(never)
    static func writeAll(_ descriptor: CInt, _ bytes: [UInt8]) throws(FastCGIError) {
        var offset = 0
        while offset < bytes.count {
            do {
                offset += try retryingOnInterrupt("send") {
                    bytes.withUnsafeBytes { buffer in
                        send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, CInt(MSG_NOSIGNAL))
                    }
                }
            } catch {
                throw .system(error)
            }
        }
    }

    /// `shutdown(SHUT_WR)`, then reads and discards until the peer closes, an error, or the
    /// monotonic time `end` (nanoseconds).
    @inline(never)
    static func drain(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer, until end: UInt64) {
        guard shutdown(descriptor, CInt(SHUT_WR)) == 0 else { return }
        while true {
            let now = ConnectionDeadlines.now()
            if now >= end { return }
            let wait = CInt(clamping: (end - now) / 1_000_000 + 1)
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, wait)
            if ready == 0 { return }
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return
        }
    }
}
