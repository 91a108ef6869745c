/// Why the transport (FastCGI or CGI front end) refused a request before or while reading its
/// body. Mapped to its status in ``ErrorAnswer`` like every other error.
package enum TransportRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// A POST under FastCGI without `CONTENT_LENGTH`: the body's end cannot be checked.
    case lengthRequired
    /// More body bytes arrived than `CONTENT_LENGTH` declared.
    case longerThanDeclared(declared: Int)
    /// The request did not arrive within the timeout (a silent or slow peer).
    case timedOut(milliseconds: Int)
    /// The bodies in flight would exceed the memory budget: retry shortly.
    case overMemoryBudget(budget: Int, retryAfterSeconds: Int)
    /// The FastCGI parameter block (headers and CGI variables) is over its bound.
    case parametersTooLarge(limit: Int)
    /// The FastCGI connection broke the protocol (multiplexed records, wrong role, ...).
    case protocolViolation(String)

    package var description: String {
        switch self {
        case .lengthRequired:
            return "a POST body needs a Content-Length (the web server passes it as CONTENT_LENGTH); "
                + "send the body with its length"
        case .longerThanDeclared(let declared):
            return "the body is longer than its declared Content-Length of \(declared) bytes; send the length of the body sent"
        case .timedOut(let milliseconds):
            return "the request did not arrive within \(milliseconds) ms; send it again"
        case .overMemoryBudget(let budget, _):
            return "the receiver is busy with other large bodies (memory budget \(budget) bytes); retry later"
        case .parametersTooLarge(let limit):
            return "the request headers and CGI variables exceed \(limit) bytes; send fewer or shorter headers"
        case .protocolViolation(let reason):
            return reason
        }
    }
}
