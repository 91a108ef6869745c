import ArgumentParser
import TelemetryStore

/// Revokes a user: from the moment its record is gone the responder refuses its data, and
/// the aggregate is deleted with it, and so are its installations' bindings.
struct UserRemove: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a user and all of its data.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        let name = (try? users.record(user))??.name
        guard try users.remove(user) else { throw AdminError.unknownUser(user) }
        // The user is gone first, so a bound installation's next request is parked, not lost.
        let unbound = try InstallationAttribution(
            ingestor: TelemetryIngestor(
                directory: settings.dataDirectory,
                configuration: settings.store)
        ).removeBindings(of: user)
        print(
            "Removed user \(user)" + (name.map { " (\(Format.safe($0)))" } ?? "")
                + (unbound > 0 ? " and its \(Format.count(unbound, "installation binding"))" : ""))
    }
}
