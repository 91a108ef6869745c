import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// What is planted in a user's directory is never followed or written through: symbolic links
/// and other non-regular files are refused with a storage error (issue 11, defect 4).
@Suite("Symbolic links and other non-regular files in a user directory")
struct SymlinkRefusalTests {
    @Test("a symlink at the temporary file's name is never written through; compaction is refused, the journal keeps the data")
    func symlinkAtTemporaryName() throws {
        try withTemporaryDirectory { root in
            // Compacts after every write, so every write reaches the temporary name.
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1)))
            try store.ingest(smallDeltaBatch(sequence: 1))
            let before = try store.aggregateFileBytes()
            let outside = root + "/outside.txt"
            try Data("precious\n".utf8).write(to: URL(fileURLWithPath: outside))
            try FileManager.default.createSymbolicLink(atPath: store.aggregatePath + ".tmp", withDestinationPath: outside)
            // The request is durable in the journal before the compaction is tried: it is kept.
            try store.ingest(smallDeltaBatch(sequence: 2))
            #expect(try store.published().integer("totals", "totalSessions") == 2)
            #expect(throws: StorageError.notRegularFile(path: store.aggregatePath + ".tmp", kind: "symbolic link")) {
                try AggregateStore(directory: store.directory, configuration: store.configuration).compact(store.user)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == Data("precious\n".utf8))
            #expect(try store.aggregateFileBytes() == before)
        }
    }

    @Test("a dangling symlink at .lock is refused and its target is not created")
    func danglingLockSymlink() throws {
        try TestStore.withTemporary { store in
            let target = store.root + "/created-by-the-responder"
            try FileSystem.removeFile(store.lockPath)
            try FileManager.default.createSymbolicLink(atPath: store.lockPath, withDestinationPath: target)
            #expect(throws: StorageError.notRegularFile(path: store.lockPath, kind: "symbolic link")) {
                try store.ingest(smallDeltaBatch(sequence: 1))
            }
            #expect(!fileExists(target))
            #expect(!fileExists(store.aggregatePath))
        }
    }

    @Test("a symlink or a named pipe at aggregate.json is refused, without following or blocking")
    func irregularAggregate() throws {
        try TestStore.withTemporary { store in
            let other = store.root + "/other.json"
            try Data(AggregateCoding.encode(aggregate(metrics: [smallDeltaBatch(sequence: 1)]))).write(
                to: URL(fileURLWithPath: other))
            try FileManager.default.createSymbolicLink(atPath: store.aggregatePath, withDestinationPath: other)
            #expect(throws: StorageError.notRegularFile(path: store.aggregatePath, kind: "symbolic link")) {
                try store.ingest(smallDeltaBatch(sequence: 2))
            }
            try FileSystem.removeFile(store.aggregatePath)
            #expect(mkfifo(store.aggregatePath, 0o600) == 0)
            #expect(throws: StorageError.notRegularFile(path: store.aggregatePath, kind: "named pipe")) {
                try store.ingest(smallDeltaBatch(sequence: 2))
            }
        }
    }

    @Test("a regular file left at the temporary name by a crashed write is replaced, not written into")
    func leftoverTemporaryFile() throws {
        try TestStore.withTemporary { store in
            let temporary = store.aggregatePath + ".tmp"
            try Data("half-written garbage from a crash".utf8).write(to: URL(fileURLWithPath: temporary))
            // Another name for the leftover: a write through it would show up here.
            #expect(link(temporary, store.root + "/leftover-alias") == 0)
            try store.ingest(smallDeltaBatch(sequence: 1))
            #expect(!fileExists(temporary))
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: store.root + "/leftover-alias"))
                    == Data("half-written garbage from a crash".utf8))
            #expect(try store.published().integer("totals", "totalSessions") == 1)
        }
    }
}
