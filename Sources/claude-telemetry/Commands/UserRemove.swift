import ArgumentParser
import TelemetryCore

/// Revokes a user: from the moment its record is gone the responder refuses its data, and
/// the aggregate is deleted with it.
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
        print("Removed user \(user)" + (name.map { " (\(Format.safe($0)))" } ?? ""))
    }
}
