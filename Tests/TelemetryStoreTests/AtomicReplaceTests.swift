import Foundation
import SystemCalls
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// aggregate.json is replaced with rename(2): a reader that takes no lock sees the whole old or
/// the whole new document, never a partial one.
@Suite("Atomic replacement of aggregate.json")
struct AtomicReplaceTests {
    @Test("a reader never sees a partial document while a writer updates and compacts it many times")
    func readerNeverSeesPartialFile() throws {
        try withTemporaryDirectory { root in
            // Compacts every 16 records, so readers race appends and compactions alike.
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 16)))
            let reader = AggregateStore(directory: store.directory)
            // A document of some size, so a non-atomic write would be observable.
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            try store.ingest(try Fixtures.logs("logs.pb"))
            let path = store.aggregatePath
            let updates = 300
            let done = Shared(false)
            let reads = Shared(0)
            let problems = Shared<[String]>([])
            let lastSessions = Shared(0)
            let ingestor = store.ingestor
            let user = store.user

            runOnThreads(2) { role in
                if role == 0 {
                    // Writer.
                    for sequence in 0..<updates {
                        do {
                            let body = try protobufBytes(smallDeltaBatch(sequence: UInt64(sequence), input: 1))
                            _ = try ingestor.ingest(
                                .metrics, body: body, format: .protobuf, encoding: .identity, user: user,
                                now: fixedNow)
                        } catch {
                            problems.update { $0.append("write \(sequence): \(error)") }
                        }
                    }
                    done.update { $0 = true }
                } else {
                    // Reader: no lock, as a dashboard reads.
                    while true {
                        let finished = done.value
                        do {
                            // The file alone is always a complete document.
                            let data = try Data(contentsOf: URL(fileURLWithPath: path))
                            guard (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["totals"] != nil else {
                                problems.update { $0.append("read: not a complete document (\(data.count) bytes)") }
                                break
                            }
                            // The current document (file and journal) only ever grows.
                            guard let current = try reader.readStored(user),
                                let object = try JSONSerialization.jsonObject(with: Data(current.bytes)) as? [String: Any],
                                let totals = object["totals"] as? [String: Any],
                                let sessions = (totals["totalSessions"] as? NSNumber)?.intValue
                            else {
                                problems.update { $0.append("read: no current document") }
                                break
                            }
                            // Updates only ever add sessions.
                            let previous = lastSessions.update { value -> Int in
                                defer { value = max(value, sessions) }
                                return value
                            }
                            if sessions < previous {
                                problems.update { $0.append("read: sessions went back from \(previous) to \(sessions)") }
                            }
                            guard data.last == UInt8(ascii: "\n") else {
                                problems.update { $0.append("read: no final newline") }
                                break
                            }
                        } catch {
                            problems.update { $0.append("read: \(error)") }
                            break
                        }
                        reads.update { $0 += 1 }
                        if finished { break }
                    }
                }
            }
            #expect(problems.value.isEmpty, "\(problems.value.prefix(5))")
            #expect(reads.value > 10)
            #expect(!fileExists(path + ".tmp"))
            let published = try store.published()
            #expect(published.integer("totals", "totalSessions") == 1 + updates)
            #expect(lastSessions.value == 1 + updates)
            // Only the expected files are left in the user's directory (the binary copy once the
            // document passed the policy's size).
            let names = try FileManager.default.contentsOfDirectory(atPath: store.directory.userDirectory(user))
            let copied = try store.aggregateFileBytes().count >= store.configuration.compaction.binaryCopyBytes
            #expect(Set(names) == Set(["user.json", "aggregate.json", "journal", ".lock"] + (copied ? ["aggregate.bin"] : [])))
        }
    }

    @Test("replace writes the whole content, over a stale temporary file left by a crash")
    func replaceOverStaleTemporary() throws {
        try withTemporaryDirectory { root in
            let path = root + "/aggregate.json"
            try Data("old content that is longer than the new one".utf8).write(to: URL(fileURLWithPath: path))
            try Data("half-written garbage from a crash".utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            for durable in [false, true] {
                try AtomicFile.replace(path, with: Array("new\n".utf8), durable: durable)
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("new\n".utf8))
                #expect(!fileExists(path + ".tmp"))
            }
        }
    }

    @Test("a replace that cannot create its temporary file leaves the target alone")
    func replaceFailure() throws {
        try withTemporaryDirectory { root in
            let missing = root + "/no-such-directory/aggregate.json"
            #expect(throws: StorageError.system(operation: "create", path: missing + ".tmp", errno: .noSuchFileOrDirectory)) {
                try AtomicFile.replace(missing, with: [1, 2, 3], durable: false)
            }
            // The target is a directory: the rename fails, the temporary file is removed.
            let directoryTarget = root + "/target"
            try FileManager.default.createDirectory(atPath: directoryTarget, withIntermediateDirectories: false)
            #expect(throws: StorageError.self) { try AtomicFile.replace(directoryTarget, with: [1], durable: false) }
            #expect(!fileExists(directoryTarget + ".tmp"))
            #expect(FileSystem.isDirectory(directoryTarget))
        }
    }
}
