import ArgumentParser
import TelemetryStore

/// The token is printed once, alone on stdout (so `TOKEN=$(claude-telemetry token add …)`
/// works); only its SHA-256 is stored, so it cannot be shown again.
struct TokenAdd: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an admin read token and print it once.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Option(help: "A label for the token (unique; how it is revoked).")
    var name: String

    func execute() throws {
        let settings = try store.settings(locking: locking, mayCreate: true)
        OwnerCheck.warnIfForeign(settings.dataDirectory)
        let (token, record) = try AdminTokenStore(directory: settings.dataDirectory, configuration: settings.store)
            .add(name: name)
        print(token)
        Console.error(
            "created admin read token '\(Format.safe(record.name))'; it is shown only this once. "
                + "Send it as: Authorization: Bearer <token>")
    }
}
