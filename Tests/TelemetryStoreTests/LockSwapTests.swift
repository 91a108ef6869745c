import Foundation
import SwiftProtobuf
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// Deleting or replacing a user's `.lock` while writers run must not let two writers in at
/// once (issue 11, defect 3).
@Suite("Lock file deleted or replaced during writes")
struct LockSwapTests {
    @Test("a writer that creates a new .lock still waits for the holder of the deleted one")
    func deletedLockStillExcludes() throws {
        try TestStore.withTemporary { store in
            let holder = try FileLock(path: store.lockPath, timeoutMilliseconds: 1000)
            try FileSystem.removeFile(store.lockPath)
            #expect(throws: StorageError.lockTimeout(path: store.directory.userDirectory(store.user), waitedMilliseconds: 200)) {
                _ = try FileLock(path: store.lockPath, timeoutMilliseconds: 200)
            }
            _ = consume holder
            // Once the holder is gone the new lock file serves as before.
            let next = try FileLock(path: store.lockPath, timeoutMilliseconds: 200)
            _ = consume next
        }
    }

    @Test("a waiter that opened the old .lock locks the file the path names once it gets its turn")
    func waiterMovesToTheCurrentLockFile() throws {
        try TestStore.withTemporary { store in
            let path = store.lockPath
            let holder = try FileLock(path: path, timeoutMilliseconds: 1000)
            let state = Shared("waiting")
            let waiter = Thread {
                guard let lock = try? FileLock(path: path, timeoutMilliseconds: 5000) else {
                    state.update { $0 = "failed" }
                    return
                }
                state.update { $0 = "holding" }
                while state.value != "release" { usleep(1000) }
                _ = consume lock
            }
            waiter.start()
            usleep(100_000)
            // Replace the lock file by a new one (a new inode under the same name), then let go.
            let replacement = store.root + "/replacement-lock"
            #expect(FileManager.default.createFile(atPath: replacement, contents: Data()))
            try FileSystem.rename(replacement, to: path)
            _ = consume holder
            while state.value == "waiting" { usleep(1000) }
            #expect(state.value == "holding")
            // The waiter holds the flock of the file the path names now, not of the old one.
            let probe = open(path, O_RDWR)
            #expect(probe >= 0)
            #expect(flock(probe, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK)
            close(probe)
            state.update { $0 = "release" }
            while !waiter.isFinished { usleep(1000) }
        }
    }

    @Test("8 writers while .lock is deleted again and again: every acknowledged update is stored")
    func parallelWritersWithTheLockDeleted() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 30_000))
            let acknowledged = Shared(0)
            let failures = Shared<[String]>([])
            let done = Shared(false)
            let lockPath = store.lockPath
            let deleter = Thread {
                while !done.value {
                    _ = unlink(lockPath)
                    usleep(200)
                }
            }
            deleter.start()
            let ingestor = store.ingestor
            let user = store.user
            runOnThreads(8) { thread in
                for index in 0..<60 {
                    do {
                        let body =
                            try smallDeltaBatch(sequence: UInt64(thread * 1000 + index), input: 1).serializedBytes() as [UInt8]
                        let report = try ingestor.ingest(
                            .metrics, body: body, format: .protobuf, encoding: .identity,
                            user: user, now: fixedNow)
                        if report.applied == 2 { acknowledged.update { $0 += 1 } }
                    } catch {
                        failures.update { $0.append("\(error)") }
                    }
                }
            }
            done.update { $0 = true }
            while !deleter.isFinished { usleep(1000) }
            #expect(failures.value.isEmpty, "\(failures.value.prefix(3))")
            #expect(acknowledged.value == 480)
            let published = try store.published()
            #expect(published.integer("totals", "totalSessions") == acknowledged.value)
            #expect(published.integer("totals", "totalInputTokens") == acknowledged.value)
            #expect(published.integer("received", "metricRequests") == acknowledged.value)
        }
    }
}
