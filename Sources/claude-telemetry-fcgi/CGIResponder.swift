import FastCGI
import Foundation
import SystemCalls
import TelemetryService

/// Plain CGI: one request from the process environment and stdin, the response on stdout.
/// Used when the web server runs the program per request (GATEWAY_INTERFACE set) instead of
/// passing a FastCGI listening socket.
struct CGIResponder {
    let exchange: Exchange
    let maxBodyBytes: Int
    /// How long the body may take to arrive in all.
    let timeoutMilliseconds: Int

    /// Serves the one request. Returns false when the response could not be written.
    func serve(environment: [String: String]) -> Bool {
        // RFC 3875: the server need not close stdin after CONTENT_LENGTH bytes, so read no further;
        // without a length, read to the end of input, within the timeout.
        let deadline = ConnectionDeadlines.now() + UInt64(timeoutMilliseconds) * 1_000_000
        let body = BodyReader(limit: maxBodyBytes).read(
            method: environment["REQUEST_METHOD"], declaredLength: environment["CONTENT_LENGTH"], framing: .cgi
        ) { buffer in
            try readStandardInput(into: buffer, until: deadline)
        }
        let (response, summary) = exchange.respond(parameters: environment, body: body)
        exchange.flushCounters()
        var deliveryError: (any Error)?
        do {
            try Self.writeStandardOutput(response.cgiHeaderBlock + response.body)
        } catch {
            deliveryError = error
        }
        exchange.log(summary, deliveryError: deliveryError)
        return deliveryError == nil
    }

    /// `read(0)` once input is there, retried on `EINTR`; throws ``TransportRefusal/timedOut(milliseconds:)``
    /// when none arrives before `deadline` (monotonic nanoseconds).
    func readStandardInput(into buffer: UnsafeMutableRawBufferPointer, until deadline: UInt64) throws -> Int {
        while true {
            let now = ConnectionDeadlines.now()
            guard now < deadline else { throw TransportRefusal.timedOut(milliseconds: timeoutMilliseconds) }
            var entry = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, CInt(clamping: (deadline - now) / 1_000_000 + 1))
            if ready < 0 {
                let number = errno
                if number == EINTR { continue }
                throw SystemCallError(call: "poll(stdin)", errno: number)
            }
            if ready == 0 { continue }
            return try retryingOnInterrupt("read(stdin)") { read(STDIN_FILENO, buffer.baseAddress, buffer.count) }
        }
    }

    /// Writes all of `bytes` to fd 1, across partial writes and `EINTR`.
    static func writeStandardOutput(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            offset += try retryingOnInterrupt("write(stdout)") {
                bytes.withUnsafeBytes { buffer in
                    write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                }
            }
        }
    }
}
