import Foundation
import SwiftProtobuf
import SystemCalls
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// A data directory that is missing, unmounted or unreadable is storage trouble (retried),
/// never "unknown user" (dropped for good) (issue 11, defect 5).
@Suite("Missing or unreadable data directory")
struct MissingDataDirectoryTests {
    @Test("users/ missing: a storage error naming it, not an unknown user")
    func usersDirectoryMissing() throws {
        try TestStore.withTemporary { store in
            try FileManager.default.removeItem(atPath: store.directory.usersDirectory)
            #expect(
                throws: StorageError.system(
                    operation: "find users directory", path: store.directory.usersDirectory,
                    errno: .noSuchFileOrDirectory)
            ) {
                try store.ingest(smallDeltaBatch(sequence: 1))
            }
        }
    }

    @Test("the data directory itself missing (an unmounted volume): a storage error")
    func dataDirectoryMissing() throws {
        try TestStore.withTemporary { store in
            try FileManager.default.removeItem(atPath: store.directory.root)
            #expect(throws: StorageError.self) { try store.ingest(smallDeltaBatch(sequence: 1)) }
            #expect(!fileExists(store.directory.root))
        }
    }

    @Test("users/ unreadable: a storage error", .enabled(if: geteuid() != 0, "root reads every directory"))
    func usersDirectoryUnreadable() throws {
        try TestStore.withTemporary { store in
            #expect(chmod(store.directory.usersDirectory, 0) == 0)
            defer { chmod(store.directory.usersDirectory, 0o750) }
            #expect(throws: StorageError.self) { try store.ingest(smallDeltaBatch(sequence: 1)) }
        }
    }

    @Test("a data directory that is there answers an unknown user as before")
    func unknownUserStillUnknown() throws {
        try TestStore.withTemporary { store in
            let stranger = try UserID(validating: "0f0e0d0c-0b0a-4908-8706-050403020100")
            #expect(throws: IngestError.unknownUser(stranger)) {
                try store.ingestor.ingest(
                    .metrics, body: try smallDeltaBatch(sequence: 1).serializedBytes(),
                    format: .protobuf, encoding: .identity, user: stranger, now: fixedNow)
            }
        }
    }
}
