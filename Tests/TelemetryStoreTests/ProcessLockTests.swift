import Foundation
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// The user's flock also excludes other processes. `/usr/bin/flock` (util-linux) takes the same
/// kind of lock, flock(2), on the same `.lock` file.
@Suite("Lock exclusion between processes")
struct ProcessLockTests {
    static let flockTool = "/usr/bin/flock"

    /// Starts `flock -x LOCK sh -c 'echo locked; sleep SECONDS'` and returns once it holds the lock.
    private func holdLock(_ path: String, seconds: Double) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.flockTool)
        process.arguments = ["-x", path, "/bin/sh", "-c", "echo locked; sleep \(seconds)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for the child to report that it holds the lock.
        let line = output.fileHandleForReading.readData(ofLength: 7)
        guard String(decoding: line, as: UTF8.self) == "locked\n" else {
            process.terminate()
            throw TestError.unexpected("flock child did not take the lock: \(String(decoding: line, as: UTF8.self))")
        }
        return process
    }

    @Test(
        "an update times out while another process holds the lock, then succeeds after it exits",
        .enabled(if: FileManager.default.isExecutableFile(atPath: ProcessLockTests.flockTool)))
    func timeoutThenSuccess() throws {
        try TestStore.withTemporary(configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 200)) { store in
            try store.ingest(try Fixtures.metrics("metrics-cumulative-1.pb"))
            let before = try store.aggregateBytes()

            let child = try holdLock(store.lockPath, seconds: 1)
            #expect(throws: StorageError.lockTimeout(path: store.lockPath, waitedMilliseconds: 200)) {
                try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            }
            #expect(throws: StorageError.lockTimeout(path: store.lockPath, waitedMilliseconds: 200)) {
                try store.ingest(try Fixtures.logs("logs.pb"))
            }
            #expect(try store.aggregateBytes() == before)
            child.waitUntilExit()
            #expect(child.terminationStatus == 0)

            let report = try store.ingest(try Fixtures.metrics("metrics-cumulative-2.pb"))
            #expect(report.applied == 1)
            #expect(try store.published().integer("totals", "totalInputTokens") == 1500)
        }
    }

    @Test(
        "an update with a long timeout waits for the other process instead of failing",
        .enabled(if: FileManager.default.isExecutableFile(atPath: ProcessLockTests.flockTool)))
    func waitsForOtherProcess() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 10_000))
            let child = try holdLock(store.lockPath, seconds: 0.5)
            let start = Date()
            let report = try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            let waited = Date().timeIntervalSince(start)
            child.waitUntilExit()
            #expect(report.applied == 18)
            #expect(waited >= 0.3)
        }
    }

    @Test(
        "while this process holds the lock, flock(1) in another process cannot take it",
        .enabled(if: FileManager.default.isExecutableFile(atPath: ProcessLockTests.flockTool)))
    func otherProcessExcluded() throws {
        try TestStore.withTemporary { store in
            let lock = try FileLock(path: store.lockPath, timeoutMilliseconds: 0)
            func tryFromChild() throws -> Int32 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.flockTool)
                process.arguments = ["-x", "-n", store.lockPath, "/bin/true"]
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus
            }
            #expect(try tryFromChild() == 1)  // -n: fail rather than wait
            _ = consume lock
            #expect(try tryFromChild() == 0)
        }
    }

    @Test("several processes doing real updates concurrently lose nothing")
    func childProcessesUpdate() async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try TestStore(root: root, configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 30_000))
        let user = store.user.rawValue
        let processes = 4
        let perProcess = 25
        await withTaskGroup(of: Void.self) { group in
            for process in 0..<processes {
                group.addTask {
                    await #expect(processExitsWith: .success) {
                        [root = root as String, user = user as String, process = process as Int, perProcess = perProcess as Int]
                        in
                        let ingestor = TelemetryIngestor(
                            directory: DataDirectory(root + "/data"),
                            configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 30_000))
                        let id = try! UserID(validating: user)
                        for index in 0..<perProcess {
                            let body = try! protobufBytes(
                                smallDeltaBatch(sequence: UInt64(process * perProcess + index), input: 3))
                            let report = try! ingestor.ingest(
                                .metrics, body: body, format: .protobuf, encoding: .identity,
                                user: id, now: fixedNow)
                            if report.applied != 2 { exit(3) }
                        }
                    }
                }
            }
        }
        // Threads of this process at the same time as the children.
        let published = try store.published()
        #expect(published.integer("totals", "totalSessions") == processes * perProcess)
        #expect(published.integer("totals", "totalInputTokens") == processes * perProcess * 3)
        #expect(published.integer("received", "metricRequests") == processes * perProcess)
    }
}
