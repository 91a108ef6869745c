import FastCGI
import Logging
import SystemCalls
import TelemetryService
import TelemetryStore

/// One worker thread's job: its own `FCGX_Request`, serving the connections the process's
/// ``ConnectionAcceptor`` hands on (each with its request ready) one after another, until the
/// acceptor has stopped and nothing ready is left. A request in flight is always finished.
///
/// Sendable because every stored property is an immutable `Sendable` value; it crosses into
/// the thread through `pthread_create`'s argument.
final class Worker: Sendable {
    let number: Int
    let acceptor: ConnectionAcceptor
    let exchange: Exchange
    let maxBodyBytes: Int
    let stop: StopState
    /// Watches the connection's deadline while libfcgi blocks on it.
    let deadlines: ConnectionDeadlines
    /// Shared by the process's workers: bodies in flight.
    let budget: MemoryBudget

    var timeoutMilliseconds: Int { acceptor.timeoutMilliseconds }

    init(
        number: Int, acceptor: ConnectionAcceptor, exchange: Exchange, maxBodyBytes: Int, stop: StopState,
        deadlines: ConnectionDeadlines, budget: MemoryBudget
    ) {
        self.number = number
        self.acceptor = acceptor
        self.exchange = exchange
        self.maxBodyBytes = maxBodyBytes
        self.stop = stop
        self.deadlines = deadlines
        self.budget = budget
    }

    func run() {
        var logger = exchange.logger
        logger[metadataKey: "worker"] = "\(number)"
        let request: FastCGIRequest
        do {
            request = try FastCGIRequest(acceptor: acceptor, deadlines: deadlines)
        } catch {
            logger.critical("cannot initialise a FastCGI request: \(error)")
            stop.fail()
            return
        }
        let reader = BodyReader(limit: maxBodyBytes)
        while let connection = acceptor.next() {
            switch connection.kind {
            case .request:
                switch request.take(connection) {
                case .accepted:
                    serve(request, reader: reader)
                case .closed(let reason):
                    logger.info("connection closed without a request: \(reason)")
                }
            case .refused(let refusal, let requestID):
                answer(request, connection: connection, refusal: refusal, requestID: requestID)
            }
        }
    }

    /// Reads one accepted request, answers it, finishes it, logs it. A POST body is admitted
    /// by the memory budget before a byte of it is read, and its reservation is held until the
    /// answer is made, when the body and what was decoded from it are gone: a client that sends
    /// its next body as soon as it has the answer finds the budget free again.
    private func serve(_ request: FastCGIRequest, reader: BodyReader) {
        let parameters = request.parameters
        let (response, summary) = admitAndRespond(request, reader: reader, parameters: parameters)
        var deliveryError: (any Error)?
        do {
            try request.write(response.cgiHeaderBlock)
            try request.write(response.body)
        } catch {
            deliveryError = error
        }
        request.finish()
        exchange.log(summary, deliveryError: deliveryError)
    }

    /// The answer to one request; the body lives only inside this call, as does its reservation.
    private func admitAndRespond(_ request: FastCGIRequest, reader: BodyReader, parameters: [String: String])
        -> (HTTPResponse, RequestSummary)
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
    private func answer(_ request: FastCGIRequest, connection: ReadyConnection, refusal: ConnectionRefusal, requestID: UInt16) {
        let transportRefusal: TransportRefusal
        switch refusal {
        case .parametersTooLarge(let limit): transportRefusal = .parametersTooLarge(limit: limit)
        case .multiplexed, .malformed: transportRefusal = .protocolViolation(refusal.description)
        }
        let (response, summary) = exchange.service.refuseConnection(transportRefusal)
        exchange.counters?.record(summary)
        var deliveryError: (any Error)?
        do {
            try request.answerRefused(connection, requestID: requestID, with: response.cgiHeaderBlock + response.body)
        } catch {
            deliveryError = error
        }
        exchange.log(summary, deliveryError: deliveryError)
    }
}
