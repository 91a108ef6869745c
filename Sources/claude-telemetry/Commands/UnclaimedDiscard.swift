import ArgumentParser
import TelemetryStore

/// Parked data nobody will claim (a flood, a machine long gone) is deleted by the operator
/// here rather than waiting for the 30-day expiry.
struct UnclaimedDiscard: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard",
        abstract: "Delete parked requests: those of one installation or unknown user id, those older than DAYS, or all.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The installation id or unknown user id (see `claude-telemetry unclaimed`).", valueName: "id"))
    var id: String?

    @Option(
        name: .customLong("older-than"),
        help: ArgumentHelp("Discard requests received more than DAYS days ago.", valueName: "days"))
    var olderThan: Int?

    @Flag(help: "Discard everything parked.")
    var all = false

    @Flag(name: .customLong("dry-run"), help: "Print what would be discarded; delete nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        let chosen = [id != nil, olderThan != nil, all].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("give exactly one of: an installation or user id, --older-than DAYS, --all")
        }
        if let olderThan, olderThan < 0 { throw ValidationError("--older-than must be 0 or more days") }
        if let id, ParkedSource(id) == nil {
            throw ValidationError(
                "'\(UserID.preview(id))' is neither an installation id (64 hex digits) nor a user id (see `claude-telemetry unclaimed`)"
            )
        }
    }

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let selection: InstallationAttribution.DiscardSelection
        if let id, let source = ParkedSource(id) {
            selection = .source(source)
        } else if let olderThan {
            selection = .olderThan(days: olderThan)
        } else {
            selection = .all
        }
        let discarded = try InstallationAttribution(ingestor: ClaimingIngestor.make(settings))
            .discard(selection, dryRun: dryRun)
        if json {
            try Console.printJSON(discarded)
            return
        }
        let verb = dryRun ? "Would discard" : "Discarded"
        for entry in discarded {
            print("\(verb) \(Format.count(entry.requests, "parked request")) of \(entry.installation)")
        }
        let total = discarded.reduce(0) { $0 + $1.requests }
        print("\(verb) \(Format.count(total, "parked request")) in all" + (dryRun ? " (nothing was deleted)" : ""))
    }
}
