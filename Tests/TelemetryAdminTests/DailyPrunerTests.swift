import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct DailyPrunerTests {
        /// 2026-11-24T21:00:00Z
        let now = Timestamp(seconds: 1_795_514_400 + 11 * 3600)

        func pruner(_ directory: DataDirectory) -> DailyPruner {
            DailyPruner(store: AggregateStore(directory: directory, configuration: OpsSupport.configuration))
        }

        @Test func cutoffIsRetentionDaysBeforeToday() {
            #expect(DailyPruner.cutoffDay(retentionDays: 0, now: now) == "2026-11-24")
            #expect(DailyPruner.cutoffDay(retentionDays: 1, now: now) == "2026-11-23")
            #expect(DailyPruner.cutoffDay(retentionDays: 30, now: now) == "2026-10-25")
            #expect(DailyPruner.cutoffDay(retentionDays: 400, now: now) == "2025-10-20")
            // Further back than the epoch: nothing can be older.
            #expect(DailyPruner.cutoffDay(retentionDays: 36_500, now: Timestamp(seconds: 86_400)) == "0000-00-00")
        }

        @Test func cutoffIsTakenInTheDeploymentsZone() throws {
            // 2026-11-25T03:00Z is still the evening of 2026-11-24 in Los Angeles, already the
            // afternoon of the 25th in Auckland.
            let late = Timestamp(seconds: 1_795_514_400 + 17 * 3600)
            let pacific = try #require(DayZone(identifier: "America/Los_Angeles"))
            let auckland = try #require(DayZone(identifier: "Pacific/Auckland"))
            #expect(DailyPruner.cutoffDay(retentionDays: 0, now: late) == "2026-11-25")
            #expect(DailyPruner.cutoffDay(retentionDays: 0, now: late, zone: pacific) == "2026-11-24")
            #expect(DailyPruner.cutoffDay(retentionDays: 1, now: late, zone: pacific) == "2026-11-23")
            #expect(DailyPruner.cutoffDay(retentionDays: 1, now: late, zone: auckland) == "2026-11-24")

            // The pruner takes the zone of its store's limits: the day before today in Los
            // Angeles is kept there, dropped in UTC.
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                try OpsSupport.storeDays(
                    ["2026-11-23", "2026-11-24"], user: user, in: directory, updatedAt: "2026-11-24T10:00:00.000Z")
                var limits = AggregationLimits()
                limits.dayZone = pacific
                let inPacific = DailyPruner(
                    store: AggregateStore(directory: directory, configuration: OpsSupport.configuration, limits: limits))
                #expect(try inPacific.prune(user, retentionDays: 1, now: late, dryRun: true).isEmpty)
                #expect(try pruner(directory).prune(user, retentionDays: 1, now: late, dryRun: true) == ["2026-11-23"])

                // A dropped day's models go with it.
                let store = AggregateStore(directory: directory, configuration: OpsSupport.configuration)
                try store.update(user) { document in
                    var figures = Figures()
                    figures[.costFromEvents] = 1
                    document.dayModels = ["2026-11-23": ["m": figures], "2026-11-24": ["m": figures]]
                    document.updateLog.dayModels = ["2026-11-23", "2026-11-24"]
                    return ((), true)
                }
                #expect(try pruner(directory).prune(user, retentionDays: 1, now: late) == ["2026-11-23"])
                #expect(try #require(try store.read(user)).dayModels.keys.sorted() == ["2026-11-24"])
            }
        }

        @Test func dropsOnlyOldDaysAndKeepsTotals() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                let days = ["2026-11-24", "2026-11-23", "2026-11-22", "2026-10-01", "2025-01-01"]
                try OpsSupport.storeDays(days, user: user, in: directory, updatedAt: "2026-11-24T10:00:00.000Z")
                let store = AggregateStore(directory: directory)
                let before = try #require(try store.read(user))

                let dropped = try pruner(directory).prune(user, retentionDays: 1, now: now)
                #expect(dropped == ["2025-01-01", "2026-10-01", "2026-11-22"])

                let after = try #require(try store.read(user))
                #expect(after.days.keys.sorted() == ["2026-11-23", "2026-11-24"])
                #expect(after.totals == before.totals)
                #expect(after.models == before.models)
                #expect(after.updatedAt == before.updatedAt)
            }
        }

        @Test func dryRunChangesNothing() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                try OpsSupport.storeDays(["2026-11-24", "2020-01-01"], user: user, in: directory)
                let path = directory.aggregatePath(user)
                let before = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(try pruner(directory).prune(user, retentionDays: 7, now: now, dryRun: true) == ["2020-01-01"])
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            }
        }

        @Test func nothingToDropMeansNoWrite() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                try OpsSupport.storeDays(["2026-11-24"], user: user, in: directory)
                let path = directory.aggregatePath(user)
                let inode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
                #expect(try pruner(directory).prune(user, retentionDays: 7, now: now).isEmpty)
                // An atomic replace would have given the file a new inode.
                #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == inode)
            }
        }

        @Test func aUserWithoutDataIsSkippedWithoutALockFile() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                try FileManager.default.removeItem(atPath: directory.lockPath(user))
                #expect(try pruner(directory).prune(user, retentionDays: 1, now: now).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: directory.lockPath(user)))
                #expect(!FileManager.default.fileExists(atPath: directory.aggregatePath(user)))
            }
        }

        @Test func keysThatAreNotDaysAreKept() {
            var document = AggregateDocument(user: UserID.random())
            document.days["2020-01-01"] = Figures()
            document.days["0000"] = Figures()
            document.days["2020-1-1"] = Figures()
            #expect(DailyPruner.expiredDays(in: document, cutoff: "2026-01-01") == ["2020-01-01"])
            #expect(DailyPruner.isDayKey("2026-11-24"))
            #expect(!DailyPruner.isDayKey("2026/11/24"))
        }

        @Test func aCorruptAggregateIsNotTouched() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.addUser(directory)
                try OpsSupport.write("{", to: directory.aggregatePath(user))
                #expect(throws: StorageError.self) { try pruner(directory).prune(user, retentionDays: 1, now: now) }
                #expect(try String(contentsOfFile: directory.aggregatePath(user), encoding: .utf8) == "{")
            }
        }
    }
}
