import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// Storage trouble met in round two of the reliability work (issue 11) is answered as storage
/// trouble: 503 with `Retry-After`, which exporters retry, and a log line naming the cause.
@Suite("Storage trouble answers")
struct StorageTroubleAnswerTests {
    let base = "/api/v1/integrations/claude"

    @Test("a missing users/ directory answers 503 + Retry-After 5, not 401, and the log line says why")
    func missingUsersDirectory() throws {
        let sandbox = try OneUserSandbox()
        let users = DataDirectory(sandbox.root).usersDirectory
        try FileManager.default.moveItem(atPath: users, toPath: sandbox.root + "/users-away")
        let body: [UInt8] = try tokenExport(input: 1).serializedBytes()
        let (response, summary) = sandbox.service.handle(
            HTTPRequest(
                method: "POST", path: "\(base)/users/\(sandbox.user)/v1/metrics",
                headers: ["Content-Type": "application/x-protobuf"], body: body),
            now: Timestamp(seconds: 1_795_514_400))
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "5")
        #expect(
            try rpcStatus(response).message
                == "storage unavailable, retry later: find users directory \(users): No such file or directory")
        #expect(summary.line.contains("status=503"))
        #expect(summary.line.contains("find users directory"))
    }

    @Test("a symbolic link at .lock answers 503 + Retry-After 5 and names it")
    func symlinkedLock() throws {
        let sandbox = try OneUserSandbox()
        let lock = DataDirectory(sandbox.root).lockPath(sandbox.user)
        try FileManager.default.removeItem(atPath: lock)
        try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: sandbox.root + "/elsewhere")
        let body: [UInt8] = try tokenExport(input: 1).serializedBytes()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/metrics", body: body)
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "5")
        #expect(try rpcStatus(response).message.contains("\(lock) is a symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/elsewhere"))
        #expect(sandbox.aggregateBytes() == nil)
    }
}
