import ArgumentParser
import TelemetryStore

/// Stops attributing an installation to a user (a machine handed on, a wrong claim): its later
/// requests are parked again, and what the user already has stays.
struct UserUnbind: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind",
        abstract: "Stop attributing an installation (or unknown user id) to a user; its later requests are parked again.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Argument(
        help: ArgumentHelp("The installation id or unknown user id.", valueName: "installation-id"), transform: parseParkedSource)
    var source: ParkedSource

    func execute() throws {
        let settings = try store.settings(locking: locking)
        try InstallationAttribution(ingestor: ClaimingIngestor.make(settings)).unbind(source, from: user)
        print(
            "Unbound \(source.kind) \(source) from user \(user): its later requests are parked "
                + "(see `claude-telemetry unclaimed`); what the user has counted stays")
    }
}
