import TelemetryDecoding
package import TelemetryStore

/// Finds the user a request is for: in the path, the `user` query parameter, an `X-User-Id`
/// header or `Authorization: Bearer <id>`. Several places may carry it; they must agree.
package enum UserResolver {
    package enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case conflicting([String])
        /// A header carries a list (two headers, joined by the web server or by libfcgi's front end).
        case severalUsers(String)
        case invalid(UserIDError)

        package var description: String {
            switch self {
            case .missing:
                return "no user id: put it in the path (…/claude/users/<uuid>/v1/metrics) or send the header X-User-Id: <uuid>"
            case .conflicting(let places):
                return "the user id differs between " + places.joined(separator: " and ")
            case .severalUsers(let place):
                return "more than one user in \(place) (sent twice, or as a list); send exactly one user id"
            case .invalid(let error):
                return error.description
            }
        }
    }

    package static func resolve(pathUser: String?, queryUser: String?, request: HTTPRequest) throws(Failure) -> UserID {
        var candidates: [(place: String, value: String)] = []
        if let pathUser { candidates.append(("the path", pathUser)) }
        if let queryUser { candidates.append(("the user query parameter", queryUser)) }
        // `?user=A&user=B` names two users: refuse rather than pick one. (The last value may carry
        // the `/v1/<signal>` an SDK appended; the router already removed it from `queryUser`.)
        for extra in Router.queryValues("user", in: request.query).dropFirst() {
            let trimmed = Signal.allCases.reduce(extra) { value, signal in
                value.hasSuffix("/v1/" + signal.rawValue) ? String(value.dropLast(4 + signal.rawValue.count)) : value
            }
            candidates.append(("another user query parameter", trimmed))
        }
        if let header = request.header("x-user-id") {
            if header.utf8.contains(UInt8(ascii: ",")) { throw .severalUsers("the X-User-Id header") }
            candidates.append(("the X-User-Id header", header.trimmingCharacters(in: " ")))
        }
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                candidates.append(("the Authorization header", String(parts[1]).trimmingCharacters(in: " ")))
            }
        }
        guard let first = candidates.first else { throw .missing }
        if let other = candidates.first(where: { $0.value != first.value }) {
            throw .conflicting([first.place, other.place])
        }
        do {
            return try UserID(validating: first.value)
        } catch {
            throw .invalid(AdminTokenStore.redacted(first.value, error))
        }
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        var result = Substring(self)
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return String(result)
    }
}
