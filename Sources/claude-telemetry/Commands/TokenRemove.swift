import ArgumentParser
import TelemetryStore

/// Revocation takes effect on the next request: the responder reads the token file every time.
struct TokenRemove: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Revoke an admin read token.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The token's name.", valueName: "name"))
    var name: String

    func execute() throws {
        let settings = try store.settings(locking: locking)
        try AdminTokenStore(directory: settings.dataDirectory, configuration: settings.store).remove(name: name)
        print("Revoked admin read token '\(Format.safe(name))'")
    }
}
