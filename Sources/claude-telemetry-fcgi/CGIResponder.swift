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
            try StandardStreams.writeAllToOutput(response.cgiHeaderBlock + response.body)
        } catch {
            deliveryError = error
        }
        exchange.log(summary, deliveryError: deliveryError)
        return deliveryError == nil
    }

    /// Reads what stdin has once input is there; throws ``TransportRefusal/timedOut(milliseconds:)``
    /// when none arrives before `deadline` (monotonic nanoseconds).
    func readStandardInput(into buffer: UnsafeMutableRawBufferPointer, until deadline: UInt64) throws -> Int {
        guard let count = try StandardStreams.read(into: buffer, until: deadline) else {
            throw TransportRefusal.timedOut(milliseconds: timeoutMilliseconds)
        }
        return count
    }
}
