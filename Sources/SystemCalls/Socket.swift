/// The socket calls of the FastCGI transport around libfcgi (after swift-nio's `Posix`): each
/// retries `EINTR` where that is safe and throws a ``SystemCallError`` naming the call. Every
/// wrapper is `@inline(never)` and reads `errno` straight after the call, before other code
/// (retain/release, allocation) could overwrite it.
package enum Socket {
    /// `POLLRDHUP` (Linux, `_GNU_SOURCE` only, so not imported): the peer shut down its sending side.
    package static let readHangUpEvent: Int16 = 0x2000

    /// A connection `accept` returned, with the peer's IPv4 address for TCP connections.
    package struct Accepted {
        package let descriptor: CInt
        package let peerIPv4: in_addr?
    }

    /// What a non-blocking peek found.
    package enum Peek {
        case bytes(Int)
        case endOfFile
        case failed(SystemCallError)
    }

    /// Makes `descriptor` non-blocking (`fcntl` `F_GETFL`, then `F_SETFL` when the flag is not set).
    @inline(never)
    package static func setNonBlocking(_ descriptor: CInt) throws(SystemCallError) {
        let flags = try retryingOnInterrupt("fcntl(F_GETFL)") { fcntl(descriptor, F_GETFL) }
        if flags & O_NONBLOCK == 0 {
            try retryingOnInterrupt("fcntl(F_SETFL)") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        }
    }

    /// True when something accepts connections on the Unix socket at `path`: a socket file
    /// that refuses them is stale, left behind by a process that is gone.
    @inline(never)
    package static func isLiveUnixSocket(_ path: String) throws(SystemCallError) -> Bool {
        let probe = try stream(AF_UNIX)
        defer { close(probe) }
        var address = unixAddress(path)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return true }
        let number = errno
        switch number {
        case ECONNREFUSED, ENOENT: return false
        default: throw SystemCallError(call: "connect(\(path))", errno: number)
        }
    }

    /// Binds a throwaway socket to the Unix socket `path` and removes it again.
    @inline(never)
    package static func probeBind(unixPath path: String) throws(SystemCallError) {
        let probe = try stream(AF_UNIX)
        defer { close(probe) }
        try bindAddress(probe, unixAddress(path), naming: path)
        unlink(path)
    }

    /// The IPv4 address written as `host`, or nil when it is not one.
    package static func ipv4Address(_ host: String) -> in_addr? {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 ? address : nil
    }

    /// Binds a throwaway socket (with `SO_REUSEADDR`, as a listening socket has) to `address`:`port`.
    @inline(never)
    package static func probeBind(ipv4 address: in_addr, port: UInt16, naming name: String) throws(SystemCallError) {
        let probe = try stream(AF_INET)
        defer { close(probe) }
        var reuse: CInt = 1
        setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<CInt>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(port.bigEndian)
        socketAddress.sin_addr = address
        try bindAddress(probe, socketAddress, naming: name)
    }

    /// `accept` on a non-blocking listening socket; the connection is close-on-exec, and a TCP
    /// one gets `TCP_NODELAY`. Returns nil when another thread or process took the connection
    /// first (or the peer gave up).
    @inline(never)
    package static func accept(_ listening: CInt) throws(SystemCallError) -> Accepted? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let descriptor = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemAccept(listening, $0, &length)
            }
        }
        if descriptor == -1 {
            let number = errno
            switch number {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
            default: throw SystemCallError(call: "accept", errno: number)
            }
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        guard CInt(address.ss_family) == AF_INET else { return Accepted(descriptor: descriptor, peerIPv4: nil) }
        var on: CInt = 1
        setsockopt(descriptor, CInt(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<CInt>.size))
        let peer = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
        }
        return Accepted(descriptor: descriptor, peerIPv4: peer)
    }

    /// An IPv4 address in dotted digits (`inet_ntop`).
    package static func text(of address: in_addr) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `recv(MSG_PEEK | MSG_DONTWAIT)`: the bytes waiting, left in the socket.
    @inline(never)
    package static func peek(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Peek {
        do {
            let count = try retryingOnInterrupt("recv") {
                recv(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_PEEK | MSG_DONTWAIT))
            }
            return count == 0 ? .endOfFile : .bytes(count)
        } catch {
            // EAGAIN is EWOULDBLOCK on every platform this builds for.
            return error.errno == .wouldBlock ? .bytes(0) : .failed(error)
        }
    }

    /// Sends all of `bytes`, across partial sends and `EINTR`, without `SIGPIPE`.
    @inline(never)
    package static func sendAll(_ descriptor: CInt, _ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            offset += try retryingOnInterrupt("send") {
                bytes.withUnsafeBytes { buffer in
                    send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, CInt(MSG_NOSIGNAL))
                }
            }
        }
    }

    /// `shutdown(SHUT_WR)`, then reads and discards until the peer closes, an error, or the
    /// monotonic time `end` (``MonotonicClock/nanoseconds()``).
    @inline(never)
    package static func shutdownAndDrain(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer, until end: UInt64) {
        guard shutdown(descriptor, CInt(SHUT_WR)) == 0 else { return }
        while true {
            let now = MonotonicClock.nanoseconds()
            if now >= end { return }
            let ready: Int16
            do {
                ready = try Poll.one(
                    descriptor, events: Int16(POLLIN), timeoutMilliseconds: Poll.milliseconds(until: end, from: now))
            } catch {
                return
            }
            if ready == 0 { continue }
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return
        }
    }

    private static func stream(_ domain: CInt) throws(SystemCallError) -> CInt {
        #if canImport(Glibc)
            let probe = socket(domain, CInt(SOCK_STREAM.rawValue), 0)
        #else
            let probe = socket(domain, SOCK_STREAM, 0)
        #endif
        if probe == -1 {
            let number = errno
            throw SystemCallError(call: "socket", errno: number)
        }
        return probe
    }

    /// `bind` to a `sockaddr_un` or `sockaddr_in`, its failure named after `name`.
    @inline(never)
    private static func bindAddress<Address>(_ socket: CInt, _ address: Address, naming name: String) throws(SystemCallError) {
        var address = address
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        if result != 0 {
            let number = errno
            throw SystemCallError(call: "bind(\(name))", errno: number)
        }
    }

    private static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: Array(path.utf8.prefix(buffer.count - 1)))
        }
        return address
    }
}
