import OTLPProto
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryService
@testable import TelemetryStore

/// The body reaches the service in the one form the transport read it in; each form answers
/// with its own status and message, and none stores anything.
@Suite("A request body's outcome answers in one form")
struct RequestBodyTests {
    @Test("incomplete is 400, too large is 413 with the reader's limit, refused keeps its status")
    func outcomes() throws {
        let sandbox = try OneUserSandbox(maxBodyBytes: 4096)
        let path = "\(Router.prefix)/users/\(sandbox.user.rawValue)/v1/metrics"
        let cases: [(RequestBody, Int, String)] = [
            (
                .incomplete("the body ended after 3 of 10 declared bytes"), 400,
                "body incomplete: the body ended after 3 of 10 declared bytes"
            ),
            (.tooLarge(limit: 4096), 413, "body exceeds the limit of 4096 bytes"),
            (.complete([UInt8](repeating: 0, count: 4097)), 413, "body exceeds the limit of 4096 bytes"),
            (.refused(.lengthRequired), 411, TransportRefusal.lengthRequired.description),
        ]
        for (body, status, message) in cases {
            let (response, summary) = sandbox.service.handle(
                HTTPRequest(
                    method: "POST", path: path, headers: ["Content-Type": "application/x-protobuf"], body: body))
            #expect(response.status.code == status, "\(body)")
            #expect(summary.error == message)
            #expect(try rpcStatus(response).message == message)
        }
        #expect(sandbox.aggregateBytes() == nil)
    }

    @Test("the body's description names sizes and reasons, never content")
    func description() {
        #expect(RequestBody.complete(Array("secret".utf8)).description == "read 6 bytes")
        #expect(RequestBody.tooLarge(limit: 10).description == "over the limit")
        #expect(
            RequestBody.refused(.timedOut(milliseconds: 5)).description
                == "refused: \(TransportRefusal.timedOut(milliseconds: 5))")
    }
}
