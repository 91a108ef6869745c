import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct DataDirectoryStatsTests {
        @Test func countsUsersFilesAndUpdates() throws {
            try OpsSupport.withDataDirectory { directory in
                let big = try OpsSupport.seededUser(directory, name: "big")
                let small = try OpsSupport.addUser(directory, name: "small")
                try OpsSupport.storeDays(["2026-11-01"], user: small, in: directory, updatedAt: "2026-11-01T08:00:00.000Z")
                let idle = try OpsSupport.addUser(directory, name: "idle")
                let broken = try OpsSupport.addUser(directory, name: "broken")
                try OpsSupport.write("{", to: directory.aggregatePath(broken))

                let stats = try DataDirectoryStats.collect(directory: directory)
                #expect(stats.users == 4)
                #expect(stats.aggregates == 3)
                #expect(stats.unreadableAggregates == 1)
                // Four user.json, four .lock, three aggregate.json, and the journal of the user
                // written more than once through the store (a first write makes aggregate.json only;
                // the broken one was written by hand) with its binary copy (its document is over
                // the policy's size).
                #expect(fileExists(directory.binaryCopyPath(big)))
                #expect(stats.files == 13)
                let expectedBytes = try FileManager.default.subpathsOfDirectory(atPath: directory.root).reduce(Int64(0)) {
                    sum, sub in
                    let attributes = try FileManager.default.attributesOfItem(atPath: directory.root + "/" + sub)
                    guard attributes[.type] as? FileAttributeType == .typeRegular else { return sum }
                    return sum + ((attributes[.size] as? Int64) ?? Int64(attributes[.size] as? Int ?? 0))
                }
                #expect(stats.totalBytes == expectedBytes)
                #expect(stats.largestAggregate?.user == big.rawValue)
                #expect(stats.oldestUpdate == .init(user: small.rawValue, value: "2026-11-01T08:00:00.000Z"))
                #expect(stats.newestUpdate?.user == big.rawValue)
                _ = idle
            }
        }

        @Test func anEmptyDirectoryHasNothing() throws {
            try OpsSupport.withDataDirectory { directory in
                let stats = try DataDirectoryStats.collect(directory: directory)
                var empty = DataDirectoryStats()
                empty.unattributed = AttributionSummary(
                    parkedInstallations: 0, parkedRequests: 0, parkedBytes: 0,
                    unattributedRequestsParked: 0, boundInstallations: 0)
                #expect(stats == empty)
            }
        }
    }
}
