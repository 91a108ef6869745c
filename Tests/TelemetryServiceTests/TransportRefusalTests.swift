import Foundation
import OTLPProto
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Transport refusals: statuses, messages, and nothing stored")
struct TransportRefusalTests {
    @Test(
        "each refusal has its status and Retry-After where a retry helps",
        arguments: [
            (TransportRefusal.lengthRequired, 411, nil as Int?),
            (.longerThanDeclared(declared: 10), 400, nil),
            (.timedOut(milliseconds: 1000), 408, nil),
            (.overMemoryBudget(budget: 1 << 26, retryAfterSeconds: 1), 503, 1),
            (.parametersTooLarge(limit: 65_536), 431, nil),
            (.protocolViolation("multiplexed"), 400, nil),
        ])
    func statuses(refusal: TransportRefusal, status: Int, retryAfter: Int?) {
        let answer = ErrorAnswer(for: refusal)
        #expect(answer.status.code == status)
        #expect(answer.retryAfterSeconds == retryAfter)
        #expect(answer.message == refusal.description)
    }

    @Test("a POST refused by the transport answers its status and stores nothing")
    func refusedPost() throws {
        let sandbox = try OneUserSandbox()
        for (refusal, status) in [
            (TransportRefusal.lengthRequired, 411), (.overMemoryBudget(budget: 1024, retryAfterSeconds: 1), 503),
            (.longerThanDeclared(declared: 3), 400), (.timedOut(milliseconds: 10), 408),
        ] {
            let request = HTTPRequest(
                method: "POST", path: "\(Router.prefix)/users/\(sandbox.user.rawValue)/v1/metrics",
                headers: ["Content-Type": "application/x-protobuf"], body: .refused(refusal))
            let (response, summary) = sandbox.service.handle(request)
            #expect(response.status.code == status)
            #expect(summary.error == refusal.description)
            if status == 503 { #expect(response.header("Retry-After") == "1") }
            #expect(try rpcStatus(response).message == refusal.description)
        }
        #expect(sandbox.aggregateBytes() == nil)
    }

    @Test("the route is checked before the refusal: a wrong path stays 404")
    func routeFirst() throws {
        let sandbox = try OneUserSandbox()
        let (response, _) = sandbox.service.handle(
            HTTPRequest(method: "POST", path: "/elsewhere", body: .refused(.lengthRequired)))
        #expect(response.status.code == 404)
    }

    @Test("a connection refused before its request is read gets a JSON google.rpc.Status")
    func connectionRefusal() throws {
        let sandbox = try OneUserSandbox()
        let (response, summary) = sandbox.service.refuseConnection(.parametersTooLarge(limit: 65_536))
        #expect(response.status.code == 431)
        #expect(response.header("Content-Type") == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["message"] as? String == TransportRefusal.parametersTooLarge(limit: 65_536).description)
        #expect(summary.route == "connection" && summary.status == 431)
    }
}
