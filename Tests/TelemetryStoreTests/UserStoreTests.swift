import Foundation
import SystemCalls
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Users in a data directory")
struct UserStoreTests {
    @Test("add creates the directory layout and a record")
    func add() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root + "/data")
            let users = UserStore(directory: directory, configuration: StoreConfiguration(durable: false))
            let record = try users.add(name: "Ada Lovelace", now: fixedNow)
            let user = try UserID(validating: record.id)
            #expect(record.name == "Ada Lovelace")
            #expect(record.createdAt == fixedNow.iso8601)
            #expect(users.exists(user))
            #expect(try users.record(user) == record)
            #expect(fileExists(directory.recordPath(user)))
            #expect(!fileExists(directory.aggregatePath(user)))
            #expect(!fileExists(directory.recordPath(user) + ".tmp"))
            // user.json is the record as JSON.
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.recordPath(user))))
            #expect((json as? [String: String]) == ["id": record.id, "name": "Ada Lovelace", "createdAt": fixedNow.iso8601])
        }
    }

    @Test("list returns every user sorted by id and skips foreign directories")
    func list() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root)
            let users = UserStore(directory: directory, configuration: StoreConfiguration(durable: false))
            #expect(try users.list().isEmpty)
            let records = try (0..<5).map { try users.add(name: "user \($0)", now: fixedNow) }
            try FileManager.default.createDirectory(
                atPath: directory.usersDirectory + "/not-a-user", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: directory.usersDirectory + "/" + UserID.random().rawValue,
                withIntermediateDirectories: true)  // no user.json
            let listed = try users.list()
            #expect(listed == records.sorted { $0.id < $1.id })
            #expect(Set(listed.map(\.name)) == Set((0..<5).map { "user \($0)" }))
        }
    }

    @Test("remove deletes the user and its data; the user is unknown afterwards")
    func remove() throws {
        try TestStore.withTemporary { store in
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            let users = store.ingestor.users
            let other = try users.add(name: "other", now: fixedNow)
            #expect(try users.remove(store.user))
            #expect(!users.exists(store.user))
            #expect(!fileExists(store.directory.userDirectory(store.user)))
            #expect(try users.record(store.user) == nil)
            #expect(try users.list().map(\.id) == [other.id])
            #expect(throws: IngestError.unknownUser(store.user)) { try store.ingest(try Fixtures.metrics("metrics-delta.pb")) }
            #expect(!fileExists(store.directory.userDirectory(store.user)))
            // Removing again, or a user that never existed, reports false.
            #expect(try !users.remove(store.user))
            #expect(try !users.remove(UserID.random()))
        }
    }

    @Test("remove waits for the user's lock")
    func removeTakesLock() throws {
        try TestStore.withTemporary(configuration: StoreConfiguration(durable: false, lockTimeoutMilliseconds: 50)) { store in
            let lock = try FileLock(path: store.lockPath, timeoutMilliseconds: 0)
            #expect(throws: StorageError.lockTimeout(path: store.lockPath, waitedMilliseconds: 50)) {
                try store.ingestor.users.remove(store.user)
            }
            #expect(store.ingestor.users.exists(store.user))
            _ = consume lock
            #expect(try store.ingestor.users.remove(store.user))
        }
    }

    @Test("prepare is idempotent; a corrupt user.json is reported")
    func prepareAndCorruptRecord() throws {
        try withTemporaryDirectory { root in
            let users = UserStore(directory: DataDirectory(root + "/data"), configuration: StoreConfiguration(durable: false))
            try users.prepare()
            try users.prepare()
            #expect(FileSystem.isDirectory(root + "/data/users"))
            let record = try users.add(name: "x", now: fixedNow)
            let user = try UserID(validating: record.id)
            try Data("{".utf8).write(to: URL(fileURLWithPath: users.directory.recordPath(user)))
            #expect(throws: StorageError.self) { try users.record(user) }
            #expect(throws: StorageError.self) { try users.list() }
        }
    }

    @Test("a data directory that cannot be created is a system error")
    func unwritableRoot() throws {
        try withTemporaryDirectory { root in
            try Data("file".utf8).write(to: URL(fileURLWithPath: root + "/file"))
            let users = UserStore(
                directory: DataDirectory(root + "/file/data"), configuration: StoreConfiguration(durable: false))
            #expect(throws: StorageError.system(operation: "create directory", path: root + "/file/data", errno: .notDirectory)) {
                try users.add(name: "x")
            }
        }
    }
}
