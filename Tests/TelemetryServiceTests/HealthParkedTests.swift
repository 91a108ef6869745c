import Foundation
import SwiftProtobuf
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// The health documents say what waits in the parked area, and follow it as it changes (they
/// are encoded once per state of the parked index).
@Suite("Health documents: the parked area")
struct HealthParkedTests {
    func parked(_ sandbox: OneUserSandbox, _ signal: String = "metrics") throws -> [String: Any] {
        let (response, _) = sandbox.service.handle(
            HTTPRequest(method: "GET", path: "\(Router.prefix)/\(signal)", query: "", headers: [:], body: []))
        #expect(response.status.code == 200)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(document["parked"] as? [String: Any])
    }

    @Test("nothing parked, then two requests naming an unknown id, then claimed")
    func followsTheParkedArea() throws {
        let sandbox = try OneUserSandbox()
        let empty = try parked(sandbox)
        #expect(empty["requests"] as? Int == 0 && empty["installations"] as? Int == 0)
        #expect(empty["command"] as? String == "claude-telemetry unclaimed")
        #expect(empty["error"] == nil)
        let unknown = "7d4f1c2a-3b5e-4f60-8a9b-0c1d2e3f4a5b"
        for input in [10.0, 20.0] {
            let answer = sandbox.post(
                "\(Router.prefix)/users/\(unknown)/v1/metrics", body: try tokenExport(input: input).serializedBytes())
            #expect(answer.status.code == 200)
        }
        for signal in ["metrics", "logs", "traces"] {
            let waiting = try parked(sandbox, signal)
            #expect(waiting["requests"] as? Int == 2, "\(signal)")
            #expect(waiting["installations"] as? Int == 1)
            #expect(waiting["unknownUserIds"] as? Int == 1)
            #expect(waiting["unknownUserRequests"] as? Int == 2)
        }
        // Claimed by creating the user under that id: nothing waits any more.
        _ = try UserStore(directory: DataDirectory(sandbox.root)).add(
            name: "typo", id: try UserID(validating: unknown))
        let attribution = InstallationAttribution(
            ingestor: TelemetryIngestor(directory: DataDirectory(sandbox.root), configuration: StoreConfiguration(durable: false))
        )
        _ = try attribution.claim(try #require(ParkedSource(unknown)), for: try UserID(validating: unknown))
        #expect(try parked(sandbox)["requests"] as? Int == 0)
    }
}
