import SystemCalls

/// Where `--socket` asks the responder to listen, checked before libfcgi sees it: libfcgi's
/// `FCGX_OpenSocket` guesses TCP from any `:` followed by a number, resolves host names with
/// DNS, and binds `:PORT` on every interface. A FastCGI socket must never face the network
/// (whoever can connect can set any CGI parameter), so `:PORT` means 127.0.0.1 here.
package enum ListenAddress: Equatable, Sendable, CustomStringConvertible {
    /// A Unix domain socket at this path.
    case unix(path: String)
    /// TCP on an IPv4 address given as digits (`127.0.0.1`), never a name.
    case tcp(host: String, port: Int)

    /// The longest path `sockaddr_un.sun_path` holds with its terminating NUL.
    static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Parses `/path/to/socket`, `:PORT`, `localhost:PORT` or `IPV4:PORT`.
    package init(parsing text: String) throws(FastCGIError) {
        if text.hasPrefix("/") || text.hasPrefix(".") {
            let bytes = text.utf8.count
            guard bytes <= Self.maximumPathBytes else {
                throw .invalidAddress(
                    text, reason: "a Unix socket path holds at most \(Self.maximumPathBytes) bytes, this one has \(bytes)")
            }
            // libfcgi would take `/run/x:8080` for host `/run/x`, port 8080.
            if let colon = text.firstIndex(of: ":"), let port = Int(text[text.index(after: colon)...].prefix(while: \.isNumber)),
                port != 0
            {
                throw .invalidAddress(
                    text, reason: "libfcgi reads a ':' followed by a number as host:port; choose a path without one")
            }
            self = .unix(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidAddress(text, reason: "expected an absolute Unix socket path, :PORT or 127.0.0.1:PORT")
        }
        let hostText = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            throw .invalidAddress(text, reason: "the port must be a number from 1 to 65535")
        }
        let host: String
        switch hostText {
        case "", "localhost":
            host = "127.0.0.1"
        default:
            var parsed = in_addr()
            guard inet_pton(AF_INET, hostText, &parsed) == 1 else {
                throw .invalidAddress(
                    text, reason: "the host must be an IPv4 address such as 127.0.0.1 (libfcgi listens on IPv4 only)")
            }
            host = hostText
        }
        self = .tcp(host: host, port: port)
    }

    /// The string `FCGX_OpenSocket` understands.
    var libfcgiPath: String {
        switch self {
        case .unix(let path): return path
        case .tcp(let host, let port): return "\(host):\(port)"
        }
    }

    package var description: String { libfcgiPath }
}
