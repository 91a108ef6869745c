import TelemetryDecoding
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("User resolution")
struct UserResolverTests {
    let user = "123e4567-e89b-42d3-a456-426614174000"
    let other = "00000000-0000-4000-8000-000000000001"

    func request(_ headers: [String: String] = [:]) -> HTTPRequest {
        HTTPRequest(method: "POST", path: "/", headers: headers)
    }

    @Test("from the path, the query, X-User-Id or a bearer token")
    func places() throws {
        #expect(try UserResolver.resolve(pathUser: user, queryUser: nil, request: request()).rawValue == user)
        #expect(try UserResolver.resolve(pathUser: nil, queryUser: user, request: request()).rawValue == user)
        #expect(try UserResolver.resolve(pathUser: nil, queryUser: nil, request: request(["X-User-Id": user])).rawValue == user)
        #expect(
            try UserResolver.resolve(
                pathUser: nil, queryUser: nil,
                request: request(["Authorization": "Bearer \(user)"])
            ).rawValue == user)
    }

    @Test("agreeing places are fine, disagreeing ones are refused")
    func conflicts() throws {
        #expect(try UserResolver.resolve(pathUser: user, queryUser: user, request: request(["X-User-Id": user])).rawValue == user)
        #expect(throws: UserResolver.Failure.conflicting(["the path", "the X-User-Id header"])) {
            try UserResolver.resolve(pathUser: user, queryUser: nil, request: request(["X-User-Id": other]))
        }
    }

    @Test("missing and malformed")
    func failures() {
        #expect(throws: UserResolver.Failure.missing) {
            try UserResolver.resolve(pathUser: nil, queryUser: nil, request: request(["Authorization": "Basic abc"]))
        }
        #expect(throws: UserResolver.Failure.invalid(.malformed("../../etc/passwd"))) {
            try UserResolver.resolve(pathUser: nil, queryUser: "../../etc/passwd", request: request())
        }
        #expect(throws: UserResolver.Failure.invalid(.notLowercase(user.uppercased()))) {
            try UserResolver.resolve(pathUser: nil, queryUser: user.uppercased(), request: request())
        }
        #expect(throws: UserResolver.Failure.invalid(.empty)) {
            try UserResolver.resolve(pathUser: nil, queryUser: "", request: request())
        }
    }
}

@Suite("User resolution from repeated parameters")
struct RepeatedUserParameterTests {
    let user = "123e4567-e89b-42d3-a456-426614174000"
    let other = "00000000-0000-4000-8000-000000000001"

    @Test("?user=A&user=B is refused; a repeated equal value is fine")
    func repeated() throws {
        let twice = HTTPRequest(method: "POST", path: "/", query: "user=\(user)&user=\(other)")
        #expect(throws: UserResolver.Failure.conflicting(["the user query parameter", "another user query parameter"])) {
            try UserResolver.resolve(pathUser: nil, queryUser: user, request: twice)
        }
        let same = HTTPRequest(method: "POST", path: "/", query: "user=\(user)&user=\(user)/v1/metrics")
        #expect(try UserResolver.resolve(pathUser: nil, queryUser: user, request: same).rawValue == user)
    }
}
