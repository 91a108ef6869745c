import Foundation
import Logging
import TelemetryService
import TelemetryStore

/// The transport-independent part of serving one request, shared by the FastCGI workers and
/// CGI mode: CGI parameters and a body outcome in, the response to write out, one log line.
struct Exchange: Sendable {
    let service: ReceiverService
    let logger: Logger
    /// This process's own counters; nil when they could not be set up (the service still serves).
    let counters: ServiceCounters?

    /// The response to `parameters` with the body as read, and the request's log line.
    /// A body that is not complete is answered by the service with its status (413, 400, 411,
    /// 408, 503) unless the request was wrong before its body mattered.
    func respond(parameters: [String: String], body: RequestBody, memory: MemoryReservation? = nil) -> (HTTPResponse, String) {
        var request = HTTPRequest(cgi: parameters, body: body)
        request.memory = memory
        let (response, summary) = service.handle(request)
        counters?.record(summary)
        return (response, summary.line)
    }

    /// Logs the request's line at info; a response that could not be delivered (the web
    /// server went away) is worth a warning.
    /// Writes the counters to their file now (periodically, and when the process stops).
    func flushCounters() {
        guard let counters else { return }
        do {
            try counters.flush()
        } catch {
            logger.warning("cannot write the service's counters: \(error)")
        }
    }

    func log(_ line: String, deliveryError: (any Error)? = nil) {
        if let deliveryError {
            logger.warning("\(line) delivered=false reason=\"\(deliveryError)\"")
        } else {
            logger.info("\(line)")
        }
    }
}
