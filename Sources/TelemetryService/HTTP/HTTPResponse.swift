/// A response, serialised for FastCGI and CGI alike as a CGI header block plus body.
package struct HTTPResponse: Sendable, Equatable {
    package var status: HTTPStatus
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: HTTPStatus, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// `Status:` line, headers, `Content-Length`, blank line: what a CGI program writes first.
    package var cgiHeaderBlock: [UInt8] {
        var text = "Status: \(status.code) \(status.reason)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if header("Content-Length") == nil { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    package static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }
}

/// The statuses this service answers with.
package struct HTTPStatus: Sendable, Equatable, CustomStringConvertible {
    package let code: Int
    package let reason: String

    package static let ok = HTTPStatus(code: 200, reason: "OK")
    package static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    package static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    package static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    package static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    package static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    package static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    package static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    package static let lengthRequired = HTTPStatus(code: 411, reason: "Length Required")
    package static let payloadTooLarge = HTTPStatus(code: 413, reason: "Payload Too Large")
    package static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    package static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    package static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    package static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")

    package var description: String { "\(code)" }
}
