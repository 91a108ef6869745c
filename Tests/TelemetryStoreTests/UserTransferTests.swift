import Foundation
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Moving a user between data directories (shards)")
struct UserTransferTests {
    /// A user with a real aggregate, made through the ingestion path.
    static func populatedUser(in directory: DataDirectory) throws -> UserID {
        let record = try UserStore(directory: directory, configuration: StoreConfiguration(durable: false)).add(
            name: "Ada", now: fixedNow)
        let user = try UserID(validating: record.id)
        _ = try TelemetryIngestor(directory: directory, configuration: StoreConfiguration(durable: false))
            .ingest(.metrics, body: try Fixtures.bytes("metrics-delta.pb"), format: .protobuf, encoding: .identity, user: user)
        return user
    }

    @Test("export then import: the record and aggregate.json byte for byte; a second import is refused")
    func roundTrip() throws {
        try withTemporaryDirectory { root in
            let from = DataDirectory(root + "/a"), to = DataDirectory(root + "/b")
            let user = try Self.populatedUser(in: from)
            let source = UserStore(directory: from)
            let transfer = try #require(try source.export(user, limits: AggregationLimits()))
            let decoded = try UserTransfer.decode(transfer.encoded(), limits: AggregationLimits())
            #expect(decoded == transfer)

            let target = UserStore(directory: to, configuration: StoreConfiguration(durable: false))
            try target.importUser(decoded)
            #expect(try target.record(user) == (try source.record(user)))
            let before = try FileSystem.readFile(from.aggregatePath(user))
            #expect(try FileSystem.readFile(to.aggregatePath(user)) == before)
            #expect(throws: UserTransferError.alreadyExists(user.rawValue)) { try target.importUser(decoded) }
            #expect(try source.export(UserID.random(), limits: AggregationLimits()) == nil)
        }
    }

    @Test("a file with a foreign aggregate, a bad id or another format is refused and creates nothing")
    func refused() throws {
        try withTemporaryDirectory { root in
            let from = DataDirectory(root + "/a")
            let user = try Self.populatedUser(in: from)
            var transfer = try #require(try UserStore(directory: from).export(user, limits: AggregationLimits()))
            let other = UserID.random()
            transfer.record = UserRecord(id: other, name: "Mallory", createdAt: fixedNow.iso8601)
            #expect(throws: UserTransferError.self) { try UserTransfer.decode(transfer.encoded(), limits: AggregationLimits()) }
            transfer.format = "something/2"
            #expect(throws: UserTransferError.self) { try UserTransfer.decode(transfer.encoded(), limits: AggregationLimits()) }
            #expect(throws: UserTransferError.self) { try UserTransfer.decode(Array("{}".utf8), limits: AggregationLimits()) }
            #expect(!FileManager.default.fileExists(atPath: root + "/b"))
        }
    }
}
