import ArgumentParser
import TelemetryAdmin
import TelemetryStore

/// Size and freshness of the data directory: for capacity planning, and to notice a
/// receiver that stopped receiving (the newest update is old).
struct Stats: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show counts, sizes and the oldest / newest update in the data directory.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the statistics as JSON.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let stats = try DataDirectoryStats.collect(directory: settings.dataDirectory, limits: settings.limits)
        if json {
            try Console.printJSON(stats)
            return
        }
        var table = TextTable([.left(""), .right(""), .left("")])
        table.append(["Users", String(stats.users), ""])
        table.append(["Aggregates", String(stats.aggregates), ""])
        table.append(["Files", String(stats.files), ""])
        table.append(["Total bytes", String(stats.totalBytes), ""])
        table.append([
            "Largest aggregate", stats.largestAggregate.map { String($0.value) } ?? "-",
            stats.largestAggregate?.user ?? "",
        ])
        table.append(["Oldest update", stats.oldestUpdate?.value ?? "-", stats.oldestUpdate?.user ?? ""])
        table.append(["Newest update", stats.newestUpdate?.value ?? "-", stats.newestUpdate?.user ?? ""])
        if let unattributed = stats.unattributed {
            table.append(["Unattributed requests parked", String(unattributed.unattributedRequestsParked), "in all"])
            table.append([
                "Parked now", String(unattributed.parkedRequests),
                "\(Format.count(unattributed.parkedInstallations, "installation")), \(unattributed.parkedBytes) bytes (see `claude-telemetry unclaimed`)",
            ])
            table.append([
                "Unknown user ids parked now", String(unattributed.unknownUserRequests),
                "\(Format.count(unattributed.unknownUserIds, "unknown user id")); \(unattributed.unknownUserRequestsParked) in all",
            ])
            table.append(["Bound installations", String(unattributed.boundInstallations), ""])
        }
        if stats.unreadableAggregates > 0 {
            table.append(["Unreadable aggregates", String(stats.unreadableAggregates), "run `claude-telemetry verify`"])
        }
        print(table.render(header: false))
    }
}
