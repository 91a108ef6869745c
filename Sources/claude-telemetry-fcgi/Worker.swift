import FastCGI
import Logging

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    init(number: Int, socket: ListeningSocket, exchange: Exchange, maxBodyBytes: Int, stop: StopState) {
        self.number = number
        self.socket = socket
        self.exchange = exchange
        self.maxBodyBytes = maxBodyBytes
        self.stop = stop
    }

    /// How long to wait after an unexpected accept failure (e.g. out of descriptors) before
    /// trying again, so a persistent failure cannot spin a CPU.
    static let retryDelayMicroseconds: useconds_t = 100_000

    func run() {
        var logger = exchange.logger
        logger[metadataKey: "worker"] = "\(number)"
        let request: FastCGIRequest
        do {
            request = try FastCGIRequest(listeningSocket: socket)
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

    /// Reads one accepted request, answers it, finishes it, logs it.
    private func serve(_ request: FastCGIRequest, reader: BodyReader) {
        let parameters = request.parameters
        let body = reader.read(declaredLength: parameters["CONTENT_LENGTH"], stopAtDeclaredLength: false) { buffer in
            try request.read(into: buffer)
        }
        if exchange.logger.logLevel <= .debug {
            exchange.logger.debug("body: CONTENT_LENGTH \(parameters["CONTENT_LENGTH"].map { "'\($0)'" } ?? "absent"), \(body)")
        }
        let (response, line) = exchange.respond(parameters: parameters, body: body)
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

    /// Errors that mean the listening socket itself is gone or was never one.
    static func isFatal(_ error: FastCGIError) -> Bool {
        switch error {
        case .system(_, let number):
            return number == EBADF || number == ENOTSOCK || number == EINVAL || number == EOPNOTSUPP
        case .library, .invalidAddress:
            return false
        }
    }
}
