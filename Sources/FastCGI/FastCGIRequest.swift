import CFastCGI
import SystemCalls

/// One worker thread's `FCGX_Request`: takes a ready connection from the ``ConnectionAcceptor``,
/// exposes its parameters and streams, and finishes it. Each thread owns exactly one; libfcgi
/// keeps pointers into it, so it lives at a fixed heap address until `deinit`.
///
/// libfcgi never accepts: the acceptor hands a connection on only once its whole parameter
/// block has arrived and passed ``ParameterBlockScan`` (bounded in size and in time).
/// From then until it is closed, ``ConnectionDeadlines`` bounds the time libfcgi's blocking reads
/// and writes may take; the connection is closed here too, with a bounded wait for the peer.
package final class FastCGIRequest {
    /// What ``take(_:)`` came to.
    package enum TakeResult: Sendable {
        /// libfcgi read the request's parameters: read its body, write, then ``finish()``.
        case accepted
        /// libfcgi could not read the request; the connection is closed. For the log.
        case closed(String)
    }

    package let acceptor: ConnectionAcceptor
    private let raw: UnsafeMutablePointer<FCGX_Request>
    private let deadline: ConnectionDeadlines.Slot
    /// ``timeoutMilliseconds`` in nanoseconds.
    private let timeout: UInt64
    package let timeoutMilliseconds: Int
    /// The largest parameter block accepted, record framing included.
    package let parameterBlockLimit: Int

    /// 48 KiB: far above what nginx sends (its request headers are at most 4 x 8 KiB by
    /// default), and below the 53 KB a Unix-socket peer may queue before the kernel makes it
    /// wait for the reader (a quarter of the default 208 KiB send buffer). A larger bound could
    /// not be checked by peeking: the peer would wait for this process to read, and this process
    /// for the rest of the block.
    package static let defaultParameterBlockLimit = 49_152
    /// Scratch space for draining on close.
    private let scratch: UnsafeMutableRawBufferPointer

    /// `FCGX_InitRequest` with `FCGI_FAIL_ACCEPT_ON_INTR`. Call ``FastCGILibrary/initialize()``
    /// first. `timeoutMilliseconds` bounds how long a connection may take to deliver its request
    /// (parameters and body), to take its answer, and to stay idle between kept requests.
    package init(acceptor: ConnectionAcceptor, deadlines: ConnectionDeadlines) throws(FastCGIError) {
        self.acceptor = acceptor
        timeoutMilliseconds = acceptor.timeoutMilliseconds
        timeout = UInt64(timeoutMilliseconds) * 1_000_000
        parameterBlockLimit = acceptor.parameterBlockLimit
        deadline = deadlines.makeSlot()
        raw = .allocate(capacity: 1)
        let result = FCGX_InitRequest(raw, acceptor.listeningSocket.descriptor, FCGI_FAIL_ACCEPT_ON_INTR)
        if result != 0 {
            raw.deallocate()
            throw .library(call: "FCGX_InitRequest", code: result)
        }
        // libfcgi never accepts by itself: connections are handed to it through `ipcFd`.
        raw.pointee.listen_sock = -1
        scratch = .allocate(byteCount: 65_536, alignment: 16)
    }

    deinit {
        deadline.disarm()
        // Frees streams and parameters and closes a connection still open (kept alive).
        FCGX_Free(raw, 1)
        raw.deallocate()
        scratch.deallocate()
    }

    /// Hands a ready connection (its parameter block is all in the socket) to libfcgi, which
    /// reads the parameters without waiting. The connection's deadline covers the body from here.
    package func take(_ connection: ReadyConnection) -> TakeResult {
        raw.pointee.ipcFd = connection.descriptor
        // libfcgi must not close the descriptor before reading (it would for a connection not "kept").
        raw.pointee.keepConnection = 1
        let result = FCGX_Accept_r(raw)
        if result == 0 {
            deadline.arm(connection.descriptor, deadline: connection.deadline, reading: true)
            return .accepted
        }
        // libfcgi closed the connection; with no listening socket of its own, it stopped there.
        raw.pointee.ipcFd = -1
        return .closed("libfcgi could not read the request (error \(result))")
    }

    /// Answers a connection the acceptor refused at its parameter block: `bytes` (the CGI
    /// header block and body) as the request's `FCGI_STDOUT`, then `FCGI_END_REQUEST`, written
    /// directly since libfcgi never saw the request; then closes the connection.
    package func answerRefused(_ connection: ReadyConnection, requestID: UInt16, with bytes: [UInt8]) throws(FastCGIError) {
        let descriptor = connection.descriptor
        raw.pointee.ipcFd = descriptor
        deadline.arm(descriptor, deadline: ConnectionDeadlines.now() + timeout, reading: false)
        var records: [UInt8] = []
        func record(_ type: UInt8, _ content: ArraySlice<UInt8>) {
            records += [
                1, type, UInt8(requestID >> 8), UInt8(requestID & 0xFF),
                UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0,
            ]
            records += content
        }
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 65_535)
            record(6, bytes[offset..<end])
            offset = end
        }
        record(6, [])
        record(3, [0, 0, 0, 0, 0, 0, 0, 0])
        var failure: FastCGIError?
        do {
            try Socket.sendAll(descriptor, records)
        } catch {
            failure = .system(error)
        }
        closeConnection(drain: true)
        if let failure { throw failure }
    }

    /// Closes the current connection: with `drain`, first shuts down the sending side and reads
    /// what the peer still sends until it closes or the timeout passes (so a TCP peer is not
    /// sent a reset that would make it discard the answer), as libfcgi does, but bounded.
    private func closeConnection(drain: Bool) {
        let descriptor = raw.pointee.ipcFd
        guard descriptor >= 0 else { return }
        if drain {
            let end = ConnectionDeadlines.now() + timeout
            deadline.arm(descriptor, deadline: end, reading: false)
            Socket.shutdownAndDrain(descriptor, into: scratch, until: end)
        }
        deadline.disarm()
        close(descriptor)
        raw.pointee.ipcFd = -1
        raw.pointee.keepConnection = 0
    }

    /// True when the connection's deadline passed while its request was read or answered
    /// (the socket was shut down, so the read or write failed).
    package var timedOut: Bool { deadline.fired }

    /// The body has been read (or will not be): the read deadline no longer applies.
    package func endReading() {
        deadline.disarm()
    }

    /// Every parameter of the accepted request (the CGI meta-variables and `HTTP_*` headers
    /// the web server sent, plus libfcgi's `FCGI_ROLE`). A name sent more than once has its
    /// values joined with ", ", in order.
    package var parameters: [String: String] {
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
                let value = String(decoding: UnsafeBufferPointer(rebasing: text[(equals + 1)...]), as: UTF8.self)
                if let earlier = result[name] {
                    // nginx before 1.23 passes a repeated header as a repeated parameter: join
                    // them as HTTP lists are joined, so that two values stay visible as two.
                    result[name] = earlier + ", " + value
                } else {
                    result[name] = value
                }
            }
            cursor += 1
        }
        return result
    }

    /// One parameter, by `FCGX_GetParam`.
    package func parameter(_ name: String) -> String? {
        guard let envp = raw.pointee.envp, let value = FCGX_GetParam(name, envp) else { return nil }
        return String(cString: value)
    }

    /// Reads up to `buffer.count` bytes of the request body (`FCGX_GetStr`). Blocks until that
    /// many bytes arrived or the body ended; returns 0 once it has ended. Throws when the
    /// connection failed, so a cut-off body is never mistaken for a complete one.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(FastCGIError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), CInt(clamping: buffer.count), raw.pointee.in)
        let error = FCGX_GetError(raw.pointee.in)
        if error != 0 {
            throw error > 0 ? .system(call: "FCGX_GetStr", errno: error) : .library(call: "FCGX_GetStr", code: error)
        }
        return Int(count)
    }

    /// Writes response bytes (`FCGX_PutStr`): the CGI header block first, then the body.
    package func write(_ bytes: [UInt8]) throws(FastCGIError) {
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

    /// Completes the request: flushes output and sends `FCGI_END_REQUEST` (bounded by the
    /// timeout), then closes the connection unless the web server asked to keep it and the body
    /// was read to its end; a kept connection goes back to the acceptor to wait for its next
    /// request (at most the timeout), so it holds no worker meanwhile.
    package func finish() {
        let descriptor = raw.pointee.ipcFd
        guard descriptor >= 0 else {
            FCGX_Finish_r(raw)
            return
        }
        deadline.arm(descriptor, deadline: ConnectionDeadlines.now() + timeout, reading: false)
        var failed = FCGX_FClose(raw.pointee.err) != 0
        failed = FCGX_FClose(raw.pointee.out) != 0 || failed
        failed = failed || FCGX_GetError(raw.pointee.in) != 0
        let keep = raw.pointee.keepConnection != 0 && !failed && FCGX_HasSeenEOF(raw.pointee.in) == EOF
        if keep && !deadline.disarm() {
            // Streams and parameters are freed; the connection stays open, in the acceptor's care.
            FCGX_Finish_r(raw)
            raw.pointee.ipcFd = -1
            raw.pointee.keepConnection = 0
            acceptor.keep(descriptor)
            return
        }
        raw.pointee.keepConnection = 0
        closeConnection(drain: true)
        // Frees streams and parameters; the descriptor is already closed (ipcFd is -1).
        FCGX_Finish_r(raw)
    }
}

/// A request belongs to the one thread that accepts on it: libfcgi's request state has no
/// locking, so it must not cross threads.
@available(*, unavailable)
extension FastCGIRequest: Sendable {}
