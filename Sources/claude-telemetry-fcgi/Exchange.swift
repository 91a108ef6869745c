import Foundation
import Logging
import TelemetryService
import TelemetryStore

/// The transport-independent part of serving one request, shared by the FastCGI workers and
/// CGI mode: CGI parameters and a body outcome in, the response to write out, one log line.
struct Exchange: Sendable {
    let service: ReceiverService
    let logger: Logger

    /// The response to `parameters` with the body as read, and the request's log line.
    func respond(parameters: [String: String], body: BodyReader.Outcome) -> (HTTPResponse, String) {
        switch body {
        case .complete(let bytes):
            let (response, summary) = service.handle(HTTPRequest(cgi: parameters, body: bytes))
            return (response, summary.line)
        case .tooLarge:
            // The service answers 413 unless the request was wrong before its body mattered.
            let (response, summary) = service.handle(HTTPRequest(cgi: parameters, body: [], bodyExceededLimit: true))
            return (response, summary.line)
        case .refused(let refusal):
            // Length required or wrong, too slow, or over the memory budget: the service
            // answers with the refusal's status unless the request was wrong before its body mattered.
            let (response, summary) = service.handle(HTTPRequest(cgi: parameters, body: [], refusal: refusal))
            return (response, summary.line)
        case .incomplete(let reason):
            // The service refuses it (400): part of a batch must never be counted.
            let (response, summary) = service.handle(HTTPRequest(cgi: parameters, body: [], bodyIncomplete: reason))
            return (response, summary.line)
        }
    }

    /// Logs the request's line at info; a response that could not be delivered (the web
    /// server went away) is worth a warning.
    func log(_ line: String, deliveryError: (any Error)? = nil) {
        if let deliveryError {
            logger.warning("\(line) delivered=false reason=\"\(deliveryError)\"")
        } else {
            logger.info("\(line)")
        }
    }
}
