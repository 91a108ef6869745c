package import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
package import TelemetryStore
import Testing

/// Claude Code-shaped exports of one installation (its `user.id` on every point and record).
package enum Installation {
    package static let a = String(repeating: "a1", count: 32)
    package static let b = String(repeating: "b2", count: 32)
    package static let c = String(repeating: "c3", count: 32)

    package static func identity(_ installation: String, email: String? = nil) -> [OTLPKeyValue] {
        [kv("user.id", installation), kv("session.id", "s-1"), kv("terminal.type", "vscode")]
            + (email.map { [kv("user.email", $0)] } ?? [])
    }

    /// A delta export of `input` input tokens at a distinct time (`sequence`).
    package static func tokens(_ installation: String, _ input: Double, sequence: UInt64, email: String? = nil) -> MetricsRequest
    {
        let start = Scenario.t0 + sequence * 1_000_000
        return metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [
                    numberPoint(
                        identity(installation, email: email) + [kv("type", "input"), kv("model", Scenario.sonnet)],
                        input, start: start, time: start + 500_000, identity: false)
                ])
        ])
    }

    /// `count` `user_prompt` events (they feed only `events`).
    package static func prompts(_ installation: String, count: Int, sequence: UInt64) -> LogsRequest {
        logsRequest(
            (0..<count).map { index in
                var record = OTLPLogRecord()
                record.timeUnixNano = Scenario.t0 + sequence * 1_000_000 + UInt64(index)
                record.body = anyValue("claude_code.user_prompt")
                record.attributes = [kv("event.name", "user_prompt"), kv("prompt_length", "12")] + identity(installation)
                return record
            })
    }
}

/// A data directory with one user and the attribution of its ingestor.
package struct AttributionStore {
    package let store: TestStore
    package let attribution: InstallationAttribution

    package init(root: String, limits: ParkingLimits = ParkingLimits(), trustClientEmail: Bool = false) throws {
        store = try TestStore(root: root)
        attribution = InstallationAttribution(ingestor: store.ingestor, limits: limits, trustClientEmail: trustClientEmail)
    }

    package var user: UserID { store.user }

    @discardableResult
    package func receive(
        _ request: MetricsRequest, policy: UnattributedPolicy = .park, at seconds: UInt64 = 0, address: String? = nil,
        unknownUser: UserID? = nil
    ) throws
        -> InstallationAttribution.Outcome
    {
        let body = try request.serializedBytes() as [UInt8]
        let export = try store.ingestor.decoder.decode(.metrics, body, format: .protobuf, encoding: .identity)
        let now = Timestamp(nanoseconds: fixedNow.nanoseconds + seconds * 1_000_000_000)
        let original = ParkedRequest(
            signal: .metrics, format: .protobuf, encoding: .identity, receivedAt: now, userAgent: "test", body: body)
        let identity = RequestIdentity(signal: .metrics, format: .protobuf, plainBody: body)
        if let unknownUser {
            return try attribution.receive(
                forUnknownUser: unknownUser, export, request: identity, original: original, policy: policy, address: address,
                now: now)
        }
        return try attribution.receive(
            export, request: identity, original: original, policy: policy, address: address, now: now)
    }

    @discardableResult
    package func receive(_ request: LogsRequest, at seconds: UInt64 = 0) throws -> InstallationAttribution.Outcome {
        let body = try compress(try request.jsonUTF8Bytes(), .gzip)
        let export = try store.ingestor.decoder.decode(.logs, body, format: .json, encoding: .gzip)
        let now = Timestamp(nanoseconds: fixedNow.nanoseconds + seconds * 1_000_000_000)
        let plain = try store.ingestor.decoder.inflate(body, encoding: .gzip)
        return try attribution.receive(
            export, request: RequestIdentity(signal: .logs, format: .json, plainBody: plain),
            original: ParkedRequest(
                signal: .logs, format: .json, encoding: .gzip, receivedAt: now, userAgent: nil, body: body),
            policy: .park, now: now)
    }

    package func inputTokens() throws -> Int? {
        guard fileExists(store.aggregatePath) else { return nil }
        return try store.published().integer("totals", "totalInputTokens")
    }

    /// The installation's parked log, nil when there is none.
    package func parkedLog(_ installation: String) throws -> Data? {
        let path = store.directory.parkedLogPath(try #require(ParkedSource(installation)))
        return FileManager.default.contents(atPath: path)
    }

    /// Bytes the file at `path` takes on disk.
    package static func allocated(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return max(Int(info.st_blocks) * 512, Int(info.st_size))
    }
}
