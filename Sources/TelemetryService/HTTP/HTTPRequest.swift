/// A request as a FastCGI or CGI front end describes it: CGI meta-variables plus the body.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The path part of `REQUEST_URI`, undecoded.
    package var path: String
    /// The query part of `REQUEST_URI` (after `?`), undecoded; empty when absent.
    package var query: String
    /// Request headers by lowercased name (`content-type`, `x-user-id`, ...).
    package var headers: [String: String]
    /// The body as the transport read it, or why it could not.
    package var body: RequestBody
    /// The client's address as the web server saw it (`REMOTE_ADDR`); nil when not given.
    /// Only used to bound one client's share of the parked area.
    package var remoteAddress: String?
    /// The request's share of the process's memory budget, which a compressed body must grow
    /// before it inflates; nil where nothing is shared (CGI, tests): inflating is then unbudgeted.
    package var memory: MemoryReservation?

    package init(
        method: String, path: String, query: String = "", headers: [String: String] = [:],
        body: RequestBody
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.lowercased(), $1) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// A request whose body is in hand whole.
    package init(
        method: String, path: String, query: String = "", headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.init(method: method, path: path, query: query, headers: headers, body: .complete(body))
    }

    /// Builds a request from CGI meta-variables (`REQUEST_METHOD`, `REQUEST_URI`, `CONTENT_TYPE`,
    /// `HTTP_*`, ...). Without `REQUEST_URI` (some CGI servers), `SCRIPT_NAME` + `PATH_INFO` and
    /// `QUERY_STRING` are used.
    package init(cgi parameters: [String: String], body: RequestBody) {
        var headers: [String: String] = [:]
        for (name, value) in parameters where name.hasPrefix("HTTP_") {
            headers[String(name.dropFirst(5)).replacingUnderscores.lowercased()] = value
        }
        if let type = parameters["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        if let length = parameters["CONTENT_LENGTH"], !length.isEmpty { headers["content-length"] = length }

        let path: String
        let query: String
        if let uri = parameters["REQUEST_URI"], !uri.isEmpty {
            if let mark = uri.firstIndex(of: "?") {
                path = String(uri[..<mark])
                query = String(uri[uri.index(after: mark)...])
            } else {
                path = uri
                query = parameters["QUERY_STRING"] ?? ""
            }
        } else {
            path = (parameters["SCRIPT_NAME"] ?? "") + (parameters["PATH_INFO"] ?? "")
            query = parameters["QUERY_STRING"] ?? ""
        }
        self.init(
            method: parameters["REQUEST_METHOD"] ?? "GET", path: path, query: query, headers: headers,
            body: body)
        remoteAddress = parameters["REMOTE_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A request from CGI meta-variables whose body is in hand whole.
    package init(cgi parameters: [String: String], body: [UInt8]) {
        self.init(cgi: parameters, body: .complete(body))
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

extension String {
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
