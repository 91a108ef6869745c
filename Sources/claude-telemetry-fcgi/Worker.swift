import FastCGI
import Logging
import SystemCalls
import TelemetryService
import TelemetryStore

/// One worker thread's job: its own `FCGX_Request` on the shared listening socket, serving
/// requests one after another until ``StopState`` says stop. A request in flight is always
/// finished; the stop flag is only looked at between requests and between polls.
///
/// Sendable because every stored property is an immutable `Sendable` value; it crosses into
/// the thread through `pthread_create`'s argument.
final class Worker: Sendable {
    let number: Int
    let socket: ListeningSocket
    let exchange: Exchange
    let maxBodyBytes: Int
    let stop: StopState
    /// Watches the connection's deadline while libfcgi blocks on it.
    let deadlines: ConnectionDeadlines
    let timeoutMilliseconds: Int
    /// Shared by the process's workers: bodies in flight.
    let budget: MemoryBudget

    init(
        number: Int, socket: ListeningSocket, exchange: Exchange, maxBodyBytes: Int, stop: StopState,
        deadlines: ConnectionDeadlines, timeoutMilliseconds: Int, budget: MemoryBudget
    ) {
        self.number = number
        self.socket = socket
        self.exchange = exchange
        self.maxBodyBytes = maxBodyBytes
        self.stop = stop
        self.deadlines = deadlines
        self.timeoutMilliseconds = timeoutMilliseconds
        self.budget = budget
    }

    /// How long to wait after an unexpected accept failure (e.g. out of descriptors) before
    /// trying again, so a persistent failure cannot spin a CPU.
    static let retryDelayMicroseconds: useconds_t = 100_000

    func run() {
        var logger = exchange.logger
        logger[metadataKey: "worker"] = "\(number)"
        let request: FastCGIRequest
        do {
            request = try FastCGIRequest(listeningSocket: socket, deadlines: deadlines, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            logger.critical("cannot initialise a FastCGI request: \(error)")
            stop.fail()
            return
        }
        let reader = BodyReader(limit: maxBodyBytes)
        while true {
            do {
                switch try request.accept(until: { stop.isStopRequested }) {
                case .stopped:
                    return
                case .accepted:
                    serve(request, reader: reader)
                case .refused(let refusal, let requestID):
                    answer(request, refusal: refusal, requestID: requestID)
                case .closed(let reason?):
                    logger.info("connection closed without a request: \(reason)")
                case .closed(nil):
                    break
                }
            } catch {
                if Self.isFatal(error) {
                    logger.critical("the listening socket is unusable, stopping: \(error)")
                    stop.fail()
                    return
                }
                logger.error("accepting a connection failed, retrying: \(error)")
                usleep(Self.retryDelayMicroseconds)
            }
        }
    }

    /// Reads one accepted request, answers it, finishes it, logs it. A POST body is admitted
    /// by the memory budget before a byte of it is read, and its reservation is held until the
    /// answer is made, when the body and what was decoded from it are gone: a client that sends
    /// its next body as soon as it has the answer finds the budget free again.
    private func serve(_ request: FastCGIRequest, reader: BodyReader) {
        let parameters = request.parameters
        let (response, line) = admitAndRespond(request, reader: reader, parameters: parameters)
        var deliveryError: (any Error)?
        do {
            try request.write(response.cgiHeaderBlock)
            try request.write(response.body)
        } catch {
            deliveryError = error
        }
        request.finish()
        exchange.log(line, deliveryError: deliveryError)
    }

    /// The answer to one request; the body lives only inside this call, as does its reservation.
    private func admitAndRespond(_ request: FastCGIRequest, reader: BodyReader, parameters: [String: String])
        -> (HTTPResponse, String)
    {
        let method = parameters["REQUEST_METHOD"]
        // A body without a valid length reserves nothing: it is refused before being read
        // (411, 400, 413). A compressed body's reservation grows while it inflates.
        let reservation = MemoryReservation(budget: budget)
        var admitted = true
        if BodyReader.readsBody(method: method),
            case .success(let declared?) = reader.declaredLength(parameters["CONTENT_LENGTH"])
        {
            admitted = reservation.reserveBody(of: declared)
        }
        defer {
            reservation.release()
            MemoryRelease.afterRequest(holding: reservation.peakBytes, budget: budget)
        }
        let body: RequestBody
        if !admitted {
            body = .refused(.overMemoryBudget(budget: budget.limit, retryAfterSeconds: MemoryBudget.retryAfterSeconds))
        } else {
            body = readBody(request, reader: reader, method: method, declaredLength: parameters["CONTENT_LENGTH"])
        }
        request.endReading()
        if exchange.logger.logLevel <= .debug {
            exchange.logger.debug("body: CONTENT_LENGTH \(parameters["CONTENT_LENGTH"].map { "'\($0)'" } ?? "absent"), \(body)")
        }
        return exchange.respond(parameters: parameters, body: body, memory: reservation)
    }

    /// The body through libfcgi; a read cut short by the connection's deadline is a timeout.
    private func readBody(_ request: FastCGIRequest, reader: BodyReader, method: String?, declaredLength: String?)
        -> RequestBody
    {
        reader.read(method: method, declaredLength: declaredLength, framing: .fastCGI) { buffer in
            do {
                return try request.read(into: buffer)
            } catch {
                if request.timedOut { throw TransportRefusal.timedOut(milliseconds: timeoutMilliseconds) }
                throw error
            }
        }
    }

    /// Answers a connection refused before libfcgi read it, and logs it.
    private func answer(_ request: FastCGIRequest, refusal: ConnectionRefusal, requestID: UInt16) {
        let transportRefusal: TransportRefusal
        switch refusal {
        case .parametersTooLarge(let limit): transportRefusal = .parametersTooLarge(limit: limit)
        case .multiplexed, .malformed: transportRefusal = .protocolViolation(refusal.description)
        }
        let (response, summary) = exchange.service.refuseConnection(transportRefusal)
        var deliveryError: (any Error)?
        do {
            try request.answerRefused(requestID: requestID, with: response.cgiHeaderBlock + response.body)
        } catch {
            deliveryError = error
        }
        exchange.log(summary.line, deliveryError: deliveryError)
    }

    /// Errors that mean the listening socket itself is gone or was never one.
    static func isFatal(_ error: FastCGIError) -> Bool {
        switch error {
        case .system(let failure):
            let number = failure.errno.rawValue
            return number == EBADF || number == ENOTSOCK || number == EINVAL || number == EOPNOTSUPP
        case .library, .invalidAddress:
            return false
        }
    }
}
