import CFastCGI
package import SystemCalls

/// The socket FastCGI connections arrive on: inherited as fd 0 from spawn-fcgi (possibly
/// shared with sibling processes under `spawn-fcgi -F N`), or opened by `--socket`.
///
/// It is only a descriptor number; every worker thread's ``FastCGIRequest`` accepts on it.
/// Nothing here ever calls `shutdown()` on it, since that would stop the siblings too.
package struct ListeningSocket: Sendable, Equatable {
    package let descriptor: CInt

    /// `FCGI_LISTENSOCK_FILENO`: where spawn-fcgi puts the socket.
    package static let inherited = ListeningSocket(descriptor: 0)

    package init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// Opens a listening socket with `FCGX_OpenSocket`.
    ///
    /// For a Unix socket, a stale socket file is removed first; a live one (another responder
    /// answers on it) or a file that is not a socket is an error, since libfcgi would
    /// otherwise unlink whatever is at the path. The socket is created with `mode` (under a
    /// temporary umask, so it is never briefly more open) and then `chmod`ed to it.
    ///
    /// The address is test-bound first, because `FCGX_OpenSocket` calls `exit()` itself when
    /// `bind` fails; this way "address in use" or "permission denied" is a thrown error.
    package static func open(_ address: ListenAddress, backlog: Int, mode: mode_t = 0o660) throws(FastCGIError) -> ListeningSocket
    {
        if case .unix(let path) = address,
            let existing = try FastCGIError.calling({ () throws(SystemCallError) in try PathCalls.linkStatus(path) })
        {
            guard existing.st_mode & S_IFMT == S_IFSOCK else {
                throw .invalidAddress(path, reason: "a file that is not a socket is in the way")
            }
            guard try !FastCGIError.calling({ () throws(SystemCallError) in try Socket.isLiveUnixSocket(path) }) else {
                throw .invalidAddress(path, reason: "another process is listening on this socket")
            }
            try FastCGIError.calling { () throws(SystemCallError) in try PathCalls.remove(path) }
        }

        // Single-threaded here (sockets are opened before workers start), so the process-wide
        // umask can be narrowed around the bind without racing other file creation.
        let previousMask = umask(~mode & 0o777)
        do {
            try checkBindable(address)
        } catch {
            umask(previousMask)
            throw error
        }
        let descriptor = FCGX_OpenSocket(address.libfcgiPath, CInt(clamping: backlog))
        let number = errno
        umask(previousMask)
        guard descriptor >= 0 else {
            // Rare after checkBindable (a race, or listen failing): libfcgi may have printed
            // its own line on stderr, or even exited.
            throw number > 0
                ? .system(call: "FCGX_OpenSocket(\(address))", errno: number)
                : .library(call: "FCGX_OpenSocket(\(address))", code: descriptor)
        }
        if case .unix(let path) = address {
            try FastCGIError.calling { () throws(SystemCallError) in try PathCalls.changeMode(path, mode) }
        }
        return ListeningSocket(descriptor: descriptor)
    }

    /// Puts the socket in non-blocking mode, so that `accept` (inside `FCGX_Accept_r`) returns
    /// `EAGAIN` instead of sleeping when another thread or process took the connection that
    /// `poll` announced; a worker blocked in `accept` could not notice a shutdown request.
    ///
    /// The flag lives on the open file description, so sibling processes sharing the socket
    /// see it too; they are copies of this responder and expect it. Sockets returned by
    /// `accept` do not inherit it on Linux, so libfcgi's reads stay blocking. (BSD and macOS
    /// do pass it on, which would break libfcgi; this responder runs on Linux.)
    package func setNonBlocking() throws(FastCGIError) {
        try FastCGIError.calling { () throws(SystemCallError) in try Socket.setNonBlocking(descriptor) }
    }

    /// Removes the socket file of a Unix socket this process opened, when it stops.
    package static func removeSocketFile(of address: ListenAddress) throws(FastCGIError) {
        if case .unix(let path) = address {
            try FastCGIError.calling { () throws(SystemCallError) in try PathCalls.remove(path) }
        }
    }

    /// Binds a throwaway socket to `address` and releases it again. libfcgi's
    /// `FCGX_OpenSocket` prints `bind/listen: ...` and calls `exit()` when binding fails, so
    /// the usual failures (port taken, directory not writable) are found here first and
    /// reported like every other error.
    private static func checkBindable(_ address: ListenAddress) throws(FastCGIError) {
        switch address {
        case .unix(let path):
            try FastCGIError.calling { () throws(SystemCallError) in try Socket.probeBind(unixPath: path) }
        case .tcp(let host, let port):
            guard let ipv4 = Socket.ipv4Address(host) else {
                throw .invalidAddress(address.description, reason: "not an IPv4 address")
            }
            try FastCGIError.calling { () throws(SystemCallError) in
                try Socket.probeBind(ipv4: ipv4, port: UInt16(port), naming: address.description)
            }
        }
    }
}
