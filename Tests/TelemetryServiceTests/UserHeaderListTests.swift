import Foundation
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("User resolution: one user per header")
struct UserHeaderListTests {
    let user = "123e4567-e89b-42d3-a456-426614174000"
    let other = "00000000-0000-4000-8000-000000000001"

    @Test(
        "two X-User-Id headers, as nginx or the FastCGI front end joins them, are more than one user",
        arguments: ["A, B", "A,B", "A, A", "A,", ", A"])
    func joinedHeaders(shape: String) {
        let value = shape.replacingOccurrences(of: "A", with: user).replacingOccurrences(of: "B", with: other)
        let request = HTTPRequest(method: "POST", path: "/", headers: ["X-User-Id": value])
        #expect(throws: UserResolver.Failure.severalUsers("the X-User-Id header")) {
            try UserResolver.resolve(pathUser: nil, queryUser: nil, request: request)
        }
        #expect(throws: UserResolver.Failure.severalUsers("the X-User-Id header")) {
            try UserResolver.resolve(pathUser: user, queryUser: nil, request: request)
        }
        let answer = ErrorAnswer(for: UserResolver.Failure.severalUsers("the X-User-Id header"))
        #expect(answer.status.code == 400)
        #expect(answer.message.contains("more than one user"))
    }

    @Test("CGI parameters repeated by the front end reach the resolver as a list")
    func fromCGIParameters() {
        let request = HTTPRequest(
            cgi: ["REQUEST_METHOD": "POST", "REQUEST_URI": "/", "HTTP_X_USER_ID": "\(user), \(other)"], body: [])
        #expect(throws: UserResolver.Failure.severalUsers("the X-User-Id header")) {
            try UserResolver.resolve(pathUser: nil, queryUser: nil, request: request)
        }
    }
}
