import Foundation
import SystemCalls
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// The user's flock serialises writers that are threads of one process: every thread opens the
/// lock file itself, so each has its own open file description.
@Suite("Lock exclusion between threads")
struct LockTests {
    @Test("8 threads × 50 ingests of distinct small batches: nothing is lost")
    func concurrentIngests() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 30_000))
            let threads = 8
            let perThread = 50
            let failures = Shared<[String]>([])
            let ingestor = store.ingestor
            let user = store.user
            runOnThreads(threads) { thread in
                for index in 0..<perThread {
                    let sequence = UInt64(thread * perThread + index)
                    do {
                        let body = try protobufBytes(smallDeltaBatch(sequence: sequence, input: 10))
                        let report = try ingestor.ingest(
                            .metrics, body: body, format: .protobuf, encoding: .identity,
                            user: user, now: fixedNow)
                        if report.applied != 2 { failures.update { $0.append("batch \(sequence): \(report)") } }
                    } catch {
                        failures.update { $0.append("batch \(sequence): \(error)") }
                    }
                }
            }
            #expect(failures.value.isEmpty, "\(failures.value.prefix(5))")
            let published = try store.published()
            #expect(published.integer("totals", "totalSessions") == threads * perThread)
            #expect(published.integer("totals", "totalInputTokens") == threads * perThread * 10)
            #expect(published.integer("received", "metricRequests") == threads * perThread)
            #expect(published.integer("received", "dataPointsApplied") == threads * perThread * 2)
            #expect(published.integer("received", "dataPointsDuplicate") == 0)
            #expect(!fileExists(store.aggregatePath + ".tmp"))
        }
    }

    @Test("threads replaying the same batch concurrently count it exactly once")
    func concurrentReplays() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 30_000))
            let body = try Fixtures.bytes("metrics-delta.pb")
            let applied = Shared(0)
            let ingestor = store.ingestor
            let user = store.user
            runOnThreads(8) { _ in
                for _ in 0..<5 {
                    if let report = try? ingestor.ingest(
                        .metrics, body: body, format: .protobuf, encoding: .identity,
                        user: user, now: fixedNow)
                    {
                        applied.update { $0 += report.applied }
                    }
                }
            }
            #expect(applied.value == 18)
            #expect(try store.published().integer("totals", "totalInputTokens") == 1700)
        }
    }

    @Test("an update times out while another thread holds the lock, and succeeds once it is released")
    func timeout() throws {
        try TestStore.withTemporary(configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 150)) { store in
            try store.ingest(try Fixtures.metrics("metrics-cumulative-1.pb"))
            let before = try store.aggregateBytes()
            let lockPath = store.lockPath
            let held = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let released = DispatchSemaphore(value: 0)
            let holder = Thread {
                do {
                    let lock = try FileLock(path: lockPath, timeoutMilliseconds: 1000)
                    held.signal()
                    release.wait()
                    _ = consume lock
                } catch {
                    held.signal()
                }
                released.signal()
            }
            holder.start()
            held.wait()

            let result = Shared<Result<ApplyReport, StorageError>?>(nil)
            let ingestor = store.ingestor
            let user = store.user
            let body = try Fixtures.bytes("metrics-delta.pb")
            runOnThreads(1) { _ in
                do {
                    let report = try ingestor.ingest(
                        .metrics, body: body, format: .protobuf, encoding: .identity, user: user, now: fixedNow)
                    result.update { $0 = .success(report) }
                } catch let error as StorageError {
                    result.update { $0 = .failure(error) }
                } catch {
                    result.update { $0 = .failure(.corrupt(path: "", reason: "unexpected \(error)")) }
                }
            }
            #expect(result.value == .failure(.lockTimeout(path: lockPath, waitedMilliseconds: 150)))
            #expect(try store.aggregateBytes() == before)

            release.signal()
            released.wait()
            let report = try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            #expect(report.applied == 18)
            #expect(
                StorageError.lockTimeout(path: "/p", waitedMilliseconds: 150).description
                    == "lock /p still held by another writer after 150 ms")
        }
    }

    @Test("a waiting update proceeds as soon as the holder releases")
    func waitsForRelease() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 10_000))
            let lockPath = store.lockPath
            let held = DispatchSemaphore(value: 0)
            let holder = Thread {
                if let lock = try? FileLock(path: lockPath, timeoutMilliseconds: 1000) {
                    held.signal()
                    usleep(300_000)
                    _ = consume lock
                } else {
                    held.signal()
                }
            }
            holder.start()
            held.wait()
            let start = Date()
            let report = try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            #expect(report.applied == 18)
            #expect(Date().timeIntervalSince(start) >= 0.2)
        }
    }

    @Test("two FileLocks on one file exclude each other even within one thread")
    func sameThread() throws {
        try withTemporaryDirectory { root in
            let path = root + "/.lock"
            let first = try FileLock(path: path, timeoutMilliseconds: 0)
            #expect(throws: StorageError.lockTimeout(path: path, waitedMilliseconds: 20)) {
                _ = try FileLock(path: path, timeoutMilliseconds: 20)
            }
            _ = consume first
            let second = try FileLock(path: path, timeoutMilliseconds: 0)
            #expect(second.path == path)
        }
    }

    @Test("a lock file that cannot be opened is a system error")
    func unopenable() throws {
        try withTemporaryDirectory { root in
            #expect(
                throws: StorageError.system(operation: "open lock", path: root + "/missing/.lock", errno: .noSuchFileOrDirectory)
            ) {
                _ = try FileLock(path: root + "/missing/.lock", timeoutMilliseconds: 0)
            }
        }
    }
}
