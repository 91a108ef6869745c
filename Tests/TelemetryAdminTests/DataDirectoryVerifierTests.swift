import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct DataDirectoryVerifierTests {
        func verify(_ directory: DataDirectory) -> VerificationReport {
            DataDirectoryVerifier(directory: directory, configuration: OpsSupport.configuration).verify()
        }

        @Test func aHealthyDirectoryIsClean() throws {
            try OpsSupport.withDataDirectory { directory in
                _ = try OpsSupport.seededUser(directory)
                _ = try OpsSupport.addUser(directory, name: "no data yet")
                let report = verify(directory)
                #expect(report.isClean, "\(report.problems)")
                #expect(report.usersChecked == 2)
                #expect(report.aggregatesChecked == 1)
            }
        }

        @Test func anEmptyDataDirectoryIsClean() throws {
            try OpsSupport.withDataDirectory { directory in
                #expect(verify(directory).isClean)
            }
        }

        @Test func aMissingDataDirectoryIsAProblem() {
            let report = verify(DataDirectory("/nonexistent/claude-telemetry-\(UUID().uuidString)"))
            #expect(report.problems.count == 1)
        }

        @Test func aTruncatedAggregateIsReported() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let path = directory.aggregatePath(user)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
                let report = verify(directory)
                #expect(report.problems.map(\.path) == [path])
                #expect(report.problems.first?.reason.hasPrefix("corrupt:") == true)
                #expect(report.aggregatesChecked == 0)
                #expect(report.usersChecked == 1)
            }
        }

        @Test func publishedFiguresEditedByHandAreReported() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let path = directory.aggregatePath(user)
                var json = try OpsSupport.json([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
                var totals = try #require(json["totals"] as? [String: Any])
                totals["totalInputTokens"] = 999_999
                json["totals"] = totals
                try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))

                let report = verify(directory)
                #expect(report.problems.map(\.path) == [path])
                #expect(report.problems.first?.reason.contains("published figures in totals do not follow") == true)
                // Still decodable: the responder keeps working with it.
                #expect(report.aggregatesChecked == 1)
            }
        }

        @Test func aReformattedButConsistentAggregateIsClean() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let path = directory.aggregatePath(user)
                let json = try OpsSupport.json([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
                try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: path))
                #expect(verify(directory).isClean)
            }
        }

        @Test func anAggregateOfAnotherUserIsReported() throws {
            try OpsSupport.withDataDirectory { directory in
                let first = try OpsSupport.seededUser(directory)
                let second = try OpsSupport.addUser(directory, name: "Bob")
                try FileManager.default.copyItem(atPath: directory.aggregatePath(first), toPath: directory.aggregatePath(second))
                let report = verify(directory)
                #expect(report.problems.map(\.path) == [directory.aggregatePath(second)])
                #expect(report.problems.first?.reason.contains("belongs to user \(first)") == true)
            }
        }

        @Test func leftoversAndStrangersAreReported() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let userDirectory = directory.userDirectory(user)
                try OpsSupport.write("partial", to: userDirectory + "/aggregate.json.tmp")
                try OpsSupport.write("x", to: userDirectory + "/notes.txt")
                try FileManager.default.createDirectory(
                    atPath: directory.usersDirectory + "/not-a-uuid", withIntermediateDirectories: true)
                try FileManager.default.createDirectory(
                    atPath: directory.usersDirectory + "/123E4567-E89B-42D3-A456-426614174000", withIntermediateDirectories: true)
                try OpsSupport.write("", to: directory.usersDirectory + "/" + UserID.random().rawValue)

                let report = verify(directory)
                let byPath = Dictionary(report.problems.map { ($0.path, $0.reason) }, uniquingKeysWith: { a, _ in a })
                #expect(report.problems.count == 5, "\(report.problems)")
                #expect(byPath[userDirectory + "/aggregate.json.tmp"]?.contains("interrupted write") == true)
                // The lock existed (the user has data), so it was checked under the lock.
                #expect(byPath[userDirectory + "/aggregate.json.tmp"]?.contains("without the user's lock") == false)
                #expect(byPath[userDirectory + "/notes.txt"]?.contains("unexpected") == true)
                #expect(byPath[directory.usersDirectory + "/not-a-uuid"]?.contains("not a user id") == true)
                #expect(
                    byPath[directory.usersDirectory + "/123E4567-E89B-42D3-A456-426614174000"]?.contains("not a user id") == true)
                #expect(report.problems.contains { $0.reason == "not a directory" })
                #expect(report.problems.map(\.path) == report.problems.map(\.path).sorted())
            }
        }

        @Test func recordProblemsAreReported() throws {
            try OpsSupport.withDataDirectory { directory in
                let mismatched = try OpsSupport.addUser(directory, name: "A")
                let other = UserID.random()
                try OpsSupport.write(
                    "{\"id\":\"\(other)\",\"name\":\"A\",\"createdAt\":\"x\"}", to: directory.recordPath(mismatched))

                let garbled = try OpsSupport.addUser(directory, name: "B")
                try OpsSupport.write("{\"id\":", to: directory.recordPath(garbled))

                let orphan = UserID.random()
                try FileManager.default.createDirectory(
                    atPath: directory.userDirectory(orphan), withIntermediateDirectories: true)

                let report = verify(directory)
                let byPath = Dictionary(report.problems.map { ($0.path, $0.reason) }, uniquingKeysWith: { a, _ in a })
                #expect(report.problems.count == 3, "\(report.problems)")
                #expect(byPath[directory.recordPath(mismatched)]?.contains("does not match") == true)
                #expect(byPath[directory.recordPath(garbled)] == "not a valid user record")
                #expect(byPath[directory.recordPath(orphan)]?.hasPrefix("missing") == true)
                #expect(report.usersChecked == 0)
            }
        }

        @Test func verifyingCreatesNoLockFile() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                // add() takes the lock, so remove its file to see whether verify makes one.
                try FileManager.default.removeItem(atPath: directory.lockPath(user))
                #expect(verify(directory).isClean)
                #expect(!FileManager.default.fileExists(atPath: directory.lockPath(user)))
            }
        }
    }
}
