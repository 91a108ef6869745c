import TelemetryDecoding
import TelemetryRead
import TelemetryStore

/// The one place where every error the service can meet becomes an HTTP status, a message
/// for the user, and (for retryable failures) a `Retry-After`.
///
/// OTLP clients retry only 429, 502, 503 and 504: storage trouble is answered 503 so the
/// batch is sent again later, and everything the client must fix is a 4xx, which it drops.
package struct ErrorAnswer: Equatable, Sendable {
    package let status: HTTPStatus
    package let message: String
    package let retryAfterSeconds: Int?
    /// google.rpc.Code carried in the Status body.
    package let rpcCode: Int32
    /// The `WWW-Authenticate` challenge of a 401 that asks for credentials.
    package let challenge: String?
    /// The refusal's reason as the service's own metrics label it (`too_large`, `storage_busy`, …).
    package private(set) var reason: String

    package init(
        status: HTTPStatus, message: String, retryAfterSeconds: Int? = nil, rpcCode: Int32,
        challenge: String? = nil
    ) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.rpcCode = rpcCode
        self.challenge = challenge
        reason = Self.reason(status: status)
    }

    /// The longest `Retry-After` worth sending: Claude Code waits exactly that long between its
    /// attempts, all within about 8 s, and drops a batch at once when told to wait 10 s or more.
    /// Storage trouble that lasts longer (a full disk, a corrupt file) loses the batch either way;
    /// a short wait at least lets a fix made meanwhile save it.
    package static let longestRetryAfterSeconds = 5

    package init(for error: any Error) {
        switch error {
        case let failure as UserResolver.Failure:
            switch failure {
            case .missing:
                self.init(status: .unauthorized, message: failure.description, rpcCode: RPCCode.unauthenticated)
            case .conflicting, .severalUsers, .invalid:
                self.init(status: .badRequest, message: failure.description, rpcCode: RPCCode.invalidArgument)
            }
        case let failure as IngestError:
            self.init(status: .unauthorized, message: failure.description, rpcCode: RPCCode.unauthenticated)
        case let failure as PayloadError:
            switch failure {
            case .unsupportedContentType, .unsupportedContentEncoding:
                self.init(status: .unsupportedMediaType, message: failure.description, rpcCode: RPCCode.invalidArgument)
            case .tooLarge:
                self.init(status: .payloadTooLarge, message: failure.description, rpcCode: RPCCode.resourceExhausted)
            case .incomplete, .invalidCompression, .malformed:
                self.init(status: .badRequest, message: failure.description, rpcCode: RPCCode.invalidArgument)
            case .overMemoryBudget:
                self.init(
                    status: .serviceUnavailable, message: failure.description,
                    retryAfterSeconds: MemoryBudget.retryAfterSeconds, rpcCode: RPCCode.unavailable)
            }
        case let failure as StorageError:
            switch failure {
            case .lockTimeout:
                self.init(
                    status: .serviceUnavailable, message: "storage busy, retry later: \(failure)",
                    retryAfterSeconds: 2, rpcCode: RPCCode.unavailable)
            case .system:
                self.init(
                    status: .serviceUnavailable, message: "storage unavailable, retry later: \(failure)",
                    retryAfterSeconds: Self.longestRetryAfterSeconds, rpcCode: RPCCode.unavailable)
            case .corrupt, .notRegularFile:
                self.init(
                    status: .serviceUnavailable,
                    message: "stored data needs an operator (run `claude-telemetry verify`): \(failure)",
                    retryAfterSeconds: Self.longestRetryAfterSeconds, rpcCode: RPCCode.unavailable)
            }
        case let refusal as TransportRefusal:
            switch refusal {
            case .lengthRequired:
                self.init(status: .lengthRequired, message: refusal.description, rpcCode: RPCCode.invalidArgument)
            case .longerThanDeclared, .protocolViolation:
                self.init(status: .badRequest, message: refusal.description, rpcCode: RPCCode.invalidArgument)
            case .timedOut:
                self.init(status: .requestTimeout, message: refusal.description, rpcCode: RPCCode.deadlineExceeded)
            case .overMemoryBudget(_, let retryAfter):
                self.init(
                    status: .serviceUnavailable, message: refusal.description, retryAfterSeconds: retryAfter,
                    rpcCode: RPCCode.unavailable)
            case .parametersTooLarge:
                self.init(status: .requestHeaderFieldsTooLarge, message: refusal.description, rpcCode: RPCCode.invalidArgument)
            }
        case let failure as AttributionError:
            switch failure {
            case .noInstallation, .refused:
                self.init(status: .unauthorized, message: failure.description, rpcCode: RPCCode.unauthenticated)
            case .parkingFull(_, let retryAfter):
                // At most 5 s: Claude Code drops a 503 whose Retry-After is 10 s or more.
                self.init(
                    status: .serviceUnavailable, message: failure.description,
                    retryAfterSeconds: min(retryAfter, 5), rpcCode: RPCCode.unavailable)
            case .severalInstallations, .boundElsewhere, .notBound, .nothingParked:
                self.init(status: .badRequest, message: failure.description, rpcCode: RPCCode.invalidArgument)
            }
        case let failure as BodySignalError:
            self.init(status: .badRequest, message: failure.description, rpcCode: RPCCode.invalidArgument)
        case let failure as ReadQueryError:
            switch failure {
            case .unknownUser:
                self.init(status: .notFound, message: failure.description, rpcCode: RPCCode.notFound)
            case .invalidUser, .invalidDate, .fromAfterTo, .rangeTooLong, .unknownGroup, .invalidParameter:
                self.init(status: .badRequest, message: failure.description, rpcCode: RPCCode.invalidArgument)
            }
        case let failure as UsageReportQueryError:
            self.init(status: .badRequest, message: failure.message, rpcCode: RPCCode.invalidArgument)
        case let failure as ReadAuthorizationError:
            switch failure {
            case .missing:
                self.init(
                    status: .unauthorized, message: failure.description, rpcCode: RPCCode.unauthenticated,
                    challenge: "Bearer")
            case .refused:
                self.init(status: .forbidden, message: failure.description, rpcCode: RPCCode.permissionDenied)
            case .unavailable(let storage):
                self.init(for: storage)
            }
        case let failure as RouteFailure:
            switch failure {
            case .notFound:
                self.init(status: .notFound, message: failure.description, rpcCode: RPCCode.notFound)
            case .methodNotAllowed:
                self.init(status: .methodNotAllowed, message: failure.description, rpcCode: RPCCode.unimplemented)
            }
        default:
            self.init(status: .internalServerError, message: "internal error: \(error)", rpcCode: RPCCode.internalError)
        }
        reason = Self.reason(of: error) ?? reason
    }
}

/// Failures of routing, before any user or body is looked at.
package enum RouteFailure: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String)
    case methodNotAllowed(String, allowed: [String])

    package var description: String {
        switch self {
        case .notFound(let path):
            return "no endpoint at \(UserID.preview(path)); POST OTLP data to \(Router.prefix)/users/<uuid>/v1/metrics, "
                + "…/v1/logs or …/v1/traces (or to …/v1/metrics with the header X-User-Id: <uuid>); GET …/metrics, …/logs or …/traces for a health check"
        case .methodNotAllowed(let method, let allowed):
            return "method \(UserID.preview(method)) is not allowed here; use " + allowed.joined(separator: ", ")
        }
    }
}

/// google.rpc.Code values used in error bodies.
enum RPCCode {
    static let invalidArgument: Int32 = 3
    static let deadlineExceeded: Int32 = 4
    static let notFound: Int32 = 5
    static let permissionDenied: Int32 = 7
    static let resourceExhausted: Int32 = 8
    static let unimplemented: Int32 = 12
    static let internalError: Int32 = 13
    static let unavailable: Int32 = 14
    static let unauthenticated: Int32 = 16
}
