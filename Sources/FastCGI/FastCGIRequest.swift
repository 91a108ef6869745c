import CFastCGI

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One worker thread's `FCGX_Request`: accepts a connection on the shared listening socket,
/// exposes its parameters and streams, and finishes it. Each thread owns exactly one; libfcgi
/// keeps pointers into it, so it lives at a fixed heap address until `deinit`.
public final class FastCGIRequest {
    /// What ``accept(pollIntervalMilliseconds:until:)`` ended with.
    public enum AcceptResult: Sendable {
        /// A request is ready: read its parameters and body, write, then ``finish()``.
        case accepted
        /// `shouldStop` said so; nothing was accepted.
        case stopped
    }

    public let listeningSocket: ListeningSocket
    private let raw: UnsafeMutablePointer<FCGX_Request>

    /// `FCGX_InitRequest` with `FCGI_FAIL_ACCEPT_ON_INTR`, so a signal never leaves `accept`
    /// restarting behind the caller's back. Call ``FastCGILibrary/initialize()`` first.
    public init(listeningSocket: ListeningSocket) throws(FastCGIError) {
        self.listeningSocket = listeningSocket
        raw = .allocate(capacity: 1)
        let result = FCGX_InitRequest(raw, listeningSocket.descriptor, FCGI_FAIL_ACCEPT_ON_INTR)
        if result != 0 {
            raw.deallocate()
            throw .library(call: "FCGX_InitRequest", code: result)
        }
    }

    deinit {
        // Frees streams and parameters and closes a connection still open (kept alive).
        FCGX_Free(raw, 1)
        raw.deallocate()
    }

    /// Waits for the next request, checking `shouldStop` at least every
    /// `pollIntervalMilliseconds`.
    ///
    /// libfcgi's accept blocks in `accept()` and only a signal gets it out, so this `poll`s
    /// instead and calls `FCGX_Accept_r` only when a connection is waiting. The listening
    /// socket must be non-blocking (``ListeningSocket/setNonBlocking()``): when another
    /// thread or process wins the race for the connection, `accept` fails with `EAGAIN` and
    /// the wait simply continues. When the web server kept the previous connection open
    /// (FastCGI keep-conn), the next request comes on that connection, so it is polled
    /// instead of the listening socket.
    ///
    /// Throws for failures that are not part of that race (`EMFILE`, `EBADF`, ...).
    public func accept(pollIntervalMilliseconds: CInt = 200, until shouldStop: () -> Bool) throws(FastCGIError) -> AcceptResult {
        while !shouldStop() {
            // `ipcFd` is below libfcgi's "don't use" line; reading it is the only way to know
            // whether `FCGX_Accept_r` will read from a kept connection or call `accept`.
            let connection = raw.pointee.ipcFd
            let descriptor = connection >= 0 ? connection : listeningSocket.descriptor
            let events = try SystemCall.pollOne(descriptor, events: Int16(POLLIN), timeoutMilliseconds: pollIntervalMilliseconds)
            if events == 0 { continue }
            if events & Int16(POLLNVAL) != 0 {
                throw .system(call: "poll(fd \(descriptor))", errno: EBADF)
            }

            let result = FCGX_Accept_r(raw)
            if result == 0 { return .accepted }
            // FCGX_Accept_r returns -errno for system failures, its own codes otherwise.
            switch -result {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO:
                continue
            case 1..<4096:
                throw .system(call: "FCGX_Accept_r", errno: -result)
            default:
                throw .library(call: "FCGX_Accept_r", code: result)
            }
        }
        return .stopped
    }

    /// Every parameter of the accepted request (the CGI meta-variables and `HTTP_*` headers
    /// the web server sent, plus libfcgi's `FCGI_ROLE`). A name sent twice keeps its first value.
    public var parameters: [String: String] {
        var result: [String: String] = [:]
        guard var cursor = raw.pointee.envp else { return result }
        // Split on the bytes: Character-wise `firstIndex(of:)` cost more than the rest of a
        // health check together.
        while let entry = cursor.pointee {
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { start in
                let text = UnsafeBufferPointer(start: start, count: length)
                guard let equals = text.firstIndex(of: UInt8(ascii: "=")) else { return }
                let name = String(decoding: UnsafeBufferPointer(rebasing: text[..<equals]), as: UTF8.self)
                if result[name] == nil {
                    result[name] = String(decoding: UnsafeBufferPointer(rebasing: text[(equals + 1)...]), as: UTF8.self)
                }
            }
            cursor += 1
        }
        return result
    }

    /// One parameter, by `FCGX_GetParam`.
    public func parameter(_ name: String) -> String? {
        guard let envp = raw.pointee.envp, let value = FCGX_GetParam(name, envp) else { return nil }
        return String(cString: value)
    }

    /// Reads up to `buffer.count` bytes of the request body (`FCGX_GetStr`). Blocks until that
    /// many bytes arrived or the body ended; returns 0 once it has ended. Throws when the
    /// connection failed, so a cut-off body is never mistaken for a complete one.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FastCGIError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), CInt(clamping: buffer.count), raw.pointee.in)
        let error = FCGX_GetError(raw.pointee.in)
        if error != 0 {
            throw error > 0 ? .system(call: "FCGX_GetStr", errno: error) : .library(call: "FCGX_GetStr", code: error)
        }
        return Int(count)
    }

    /// Writes response bytes (`FCGX_PutStr`): the CGI header block first, then the body.
    public func write(_ bytes: [UInt8]) throws(FastCGIError) {
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 1 << 30)
            let written = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: chunk) {
                    FCGX_PutStr($0, CInt(chunk), raw.pointee.out)
                }
            }
            if written < 0 {
                let error = FCGX_GetError(raw.pointee.out)
                throw error > 0 ? .system(call: "FCGX_PutStr", errno: error) : .library(call: "FCGX_PutStr", code: error)
            }
            offset += chunk
        }
    }

    /// Completes the request (`FCGX_Finish_r`): flushes output, sends FCGI_END_REQUEST and
    /// closes the connection unless the web server asked to keep it.
    public func finish() {
        FCGX_Finish_r(raw)
    }
}

/// A request belongs to the one thread that accepts on it: libfcgi's request state has no
/// locking, so it must not cross threads.
@available(*, unavailable)
extension FastCGIRequest: Sendable {}
