package import SystemCalls

/// What went wrong at the libfcgi or socket boundary, with the call that failed, so the
/// responder can tell a broken listening socket (fatal) from a client that went away.
package enum FastCGIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(SystemCallError)
    /// A libfcgi function failed with a negative result that is not an `errno`
    /// (libfcgi's own codes such as `FCGX_PROTOCOL_ERROR`, or `-9999` for "unknown").
    case library(call: String, code: CInt)
    /// A `--socket` value libfcgi cannot listen on.
    case invalidAddress(String, reason: String)

    /// A system call `call` failed with `errno`.
    static func system(call: String, errno: CInt) -> FastCGIError {
        .system(SystemCallError(call: call, errno: errno))
    }

    /// Runs a call of the system layer, reporting its failure as this module's error.
    static func calling<T>(_ body: () throws(SystemCallError) -> T) throws(FastCGIError) -> T {
        do {
            return try body()
        } catch {
            throw .system(error)
        }
    }

    /// The `errno` behind the failure, when there is one.
    package var errno: CInt? {
        if case .system(let failure) = self { return failure.errno.rawValue }
        return nil
    }

    package var description: String {
        switch self {
        case .system(let failure):
            return failure.description
        case .library(let call, let code):
            return "\(call) failed: libfcgi error \(code)"
        case .invalidAddress(let address, let reason):
            return "cannot listen on '\(address)': \(reason)"
        }
    }
}
