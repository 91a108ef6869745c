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

    /// The response to `parameters` with the body as read, and what the request's log entry says.
    /// A body that is not complete is answered by the service with its status (413, 400, 411,
    /// 408, 503) unless the request was wrong before its body mattered.
    func respond(parameters: [String: String], body: RequestBody, memory: MemoryReservation? = nil) -> (
        HTTPResponse, RequestSummary
    ) {
        var request = HTTPRequest(cgi: parameters, body: body)
        request.memory = memory
        let (response, summary) = service.handle(request)
        counters?.record(summary)
        return (response, summary)
    }

    /// Writes the counters to their file now (periodically, and when the process stops).
    func flushCounters() {
        guard let counters else { return }
        do {
            try counters.flush()
        } catch {
            logger.warning("cannot write the service's counters: \(error)")
        }
    }

    /// Logs the request's summary as metadata (``RequestLogHandler`` writes it as the request
    /// log's `key=value` fields) at info; a response that could not be delivered (the web
    /// server went away) is worth a warning.
    func log(_ summary: RequestSummary, deliveryError: (any Error)? = nil) {
        var metadata = summary.metadata
        if let deliveryError {
            metadata["delivered"] = "false"
            metadata["reason"] = "\(deliveryError)"
            logger.warning("", metadata: metadata)
        } else {
            logger.info("", metadata: metadata)
        }
    }
}
