import TelemetryDecoding
import TelemetryStore

/// The reasons `claude_telemetry_refused_requests_total` counts, one per refusal a client or
/// an operator acts on differently: by status, with the 503s told apart (memory budget,
/// storage busy or failing, parking full), as the Collector's `refused` counters tell them.
extension ErrorAnswer {
    static func reason(status: HTTPStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "timeout"
        case 411: "length_required"
        case 413: "too_large"
        case 415: "unsupported_media_type"
        case 431: "headers_too_large"
        case 503: "unavailable"
        case 500: "internal"
        default: "status_\(status.code)"
        }
    }

    /// The finer reason of the errors that share a status, or nil.
    static func reason(of error: any Error) -> String? {
        switch error {
        case PayloadError.overMemoryBudget, TransportRefusal.overMemoryBudget: return "memory_budget"
        case let failure as StorageError:
            switch failure {
            case .lockTimeout: return "storage_busy"
            case .system: return "storage_unavailable"
            case .corrupt, .notRegularFile: return "storage_needs_operator"
            }
        case AttributionError.parkingFull: return "parking_full"
        case let failure as ReadAuthorizationError:
            if case .unavailable(let storage) = failure { return reason(of: storage) }
            return nil
        default: return nil
        }
    }
}
