// Temporary data directories and a store over one.

import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
import TelemetryReference
package import TelemetryStore

/// A fresh directory from mkdtemp under /tmp; the caller removes it.
package func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/telemetry-tests.XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let result = mkdtemp(buffer.baseAddress!) else { return nil }
        return String(cString: result)
    }
    guard let path else { throw TestError.unexpected("mkdtemp failed: errno \(errno)") }
    return path
}

/// A fresh directory from mkdtemp under /tmp, removed afterwards.
@discardableResult
package func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A temporary data directory with one user created through `UserStore.add`.
package struct TestStore {
    package let root: String
    package let directory: DataDirectory
    package let configuration: StoreConfiguration
    package let user: UserID
    package let limits: AggregationLimits
    package let ingestor: TelemetryIngestor

    package init(
        root: String, configuration: StoreConfiguration = StoreConfiguration(durable: false),
        limits: AggregationLimits = AggregationLimits()
    ) throws {
        self.root = root
        directory = DataDirectory(root + "/data")
        self.configuration = configuration
        let record = try UserStore(directory: directory, configuration: configuration).add(name: "Test User", now: fixedNow)
        user = try UserID(validating: record.id)
        self.limits = limits
        ingestor = TelemetryIngestor(directory: directory, configuration: configuration, limits: limits)
    }

    package var aggregatePath: String { directory.aggregatePath(user) }
    package var lockPath: String { directory.lockPath(user) }

    /// The current document's bytes: `aggregate.json` with the journal folded in, as every
    /// reader sees it (`aggregateFileBytes` is the file alone).
    package func aggregateBytes() throws -> [UInt8] {
        guard let stored = try AggregateStore(directory: directory, configuration: configuration, limits: limits).readStored(user)
        else {
            throw CocoaError(.fileNoSuchFile)
        }
        return stored.bytes
    }

    package func aggregateFileBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: aggregatePath)))
    }

    package func published() throws -> Published { try Published(bytes: try aggregateBytes()) }

    @discardableResult
    package func ingest(_ request: MetricsRequest, now: Timestamp = fixedNow) throws -> ApplyReport {
        try ingestor.ingest(
            .metrics, body: try request.serializedBytes(), format: .protobuf, encoding: .identity,
            user: user, now: now)
    }

    @discardableResult
    package func ingest(_ request: LogsRequest, now: Timestamp = fixedNow) throws -> ApplyReport {
        try ingestor.ingest(
            .logs, body: try request.serializedBytes(), format: .protobuf, encoding: .identity,
            user: user, now: now)
    }
}

extension TestStore {
    /// A store in a fresh temporary directory, removed afterwards.
    @discardableResult
    package static func withTemporary<R>(
        configuration: StoreConfiguration = StoreConfiguration(durable: false), limits: AggregationLimits = AggregationLimits(),
        _ body: (TestStore) throws -> R
    ) throws -> R {
        try withTemporaryDirectory { root in try body(TestStore(root: root, configuration: configuration, limits: limits)) }
    }
}

package func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
