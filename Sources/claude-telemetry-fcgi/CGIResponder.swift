import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain CGI: one request from the process environment and stdin, the response on stdout.
/// Used when the web server runs the program per request (GATEWAY_INTERFACE set) instead of
/// passing a FastCGI listening socket.
struct CGIResponder {
    let exchange: Exchange
    let maxBodyBytes: Int

    /// Serves the one request. Returns false when the response could not be written.
    func serve(environment: [String: String]) -> Bool {
        // RFC 3875: the server need not close stdin after CONTENT_LENGTH bytes, so read no further.
        let body = BodyReader(limit: maxBodyBytes).read(
            declaredLength: environment["CONTENT_LENGTH"], stopAtDeclaredLength: true, from: Self.readStandardInput)
        let (response, line) = exchange.respond(parameters: environment, body: body)
        var deliveryError: (any Error)?
        do {
            try Self.writeStandardOutput(response.cgiHeaderBlock + response.body)
        } catch {
            deliveryError = error
        }
        exchange.log(line, deliveryError: deliveryError)
        return deliveryError == nil
    }

    /// `read(0)`, retried on `EINTR`.
    static func readStandardInput(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        while true {
            let count = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            let number = errno
            if number != EINTR { throw SystemCallError(call: "read(stdin)", errno: number) }
        }
    }

    /// Writes all of `bytes` to fd 1, across partial writes and `EINTR`.
    static func writeStandardOutput(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                let number = errno
                if number == EINTR { continue }
                throw SystemCallError(call: "write(stdout)", errno: number)
            }
            offset += written
        }
    }
}
