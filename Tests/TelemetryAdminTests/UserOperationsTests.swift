import Foundation
import SystemCalls
import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct UserOperationsTests {
        @Test func summariesCarryActivityAndToleratesACorruptAggregate() throws {
            try OpsSupport.withDataDirectory { directory in
                let active = try OpsSupport.seededUser(directory, name: "active")
                let idle = try OpsSupport.addUser(directory, name: "idle")
                let broken = try OpsSupport.addUser(directory, name: "broken")
                try OpsSupport.write("not json", to: directory.aggregatePath(broken))

                let summaries = Dictionary(uniqueKeysWithValues: try UserSummary.all(in: directory).map { ($0.record.id, $0) })
                #expect(summaries.count == 3)
                #expect(summaries[active.rawValue]?.totalTokens == OpsSupport.fixtureTokens)
                #expect(summaries[active.rawValue]?.updatedAt == OpsSupport.t0.iso8601)
                #expect(summaries[idle.rawValue]?.totalTokens == nil)
                #expect(summaries[idle.rawValue]?.problem == nil)
                #expect(summaries[broken.rawValue]?.problem?.contains("corrupt") == true)
            }
        }

        @Test func knownUsersNeedARecordButNotAReadableOne() throws {
            try OpsSupport.withDataDirectory { directory in
                let store = UserStore(directory: directory)
                #expect(try store.knownUsers().isEmpty)
                let a = try OpsSupport.addUser(directory)
                let b = try OpsSupport.addUser(directory)
                try OpsSupport.write("{", to: directory.recordPath(b))
                try FileManager.default.createDirectory(
                    atPath: directory.userDirectory(UserID.random()), withIntermediateDirectories: true)
                try FileManager.default.createDirectory(
                    atPath: directory.usersDirectory + "/junk", withIntermediateDirectories: true)
                #expect(try store.knownUsers() == [a, b].sorted())
            }
        }

        @Test func writeFailuresAreToldApartFromReadFailures() throws {
            try OpsSupport.withDataDirectory { directory in
                // A data directory below a regular file can never be created, whoever runs the test.
                try OpsSupport.write("file", to: directory.root + "/plain")
                let impossible = UserStore(directory: DataDirectory(directory.root + "/plain/data"))
                do throws(StorageError) {
                    _ = try impossible.add(name: "x")
                    Issue.record("add should fail")
                } catch {
                    #expect(error.isWriteFailure)
                }

                let user = try OpsSupport.addUser(directory)
                try OpsSupport.write("{", to: directory.aggregatePath(user))
                do throws(StorageError) {
                    _ = try AggregateStore(directory: directory).read(user)
                    Issue.record("read should fail")
                } catch {
                    #expect(!error.isWriteFailure)
                }
                #expect(!StorageError.system(operation: "read", path: "/x", errno: .permissionDenied).isWriteFailure)
                #expect(StorageError.system(operation: "write", path: "/x", errno: .noSpace).isWriteFailure)
            }
        }
    }
}
