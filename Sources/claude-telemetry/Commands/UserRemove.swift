import ArgumentParser
import Foundation
import TelemetryAdmin
import TelemetryStore

/// Revokes a user: from the moment its record is gone the responder refuses its data, and
/// the aggregate is deleted with it, and so are its installations' bindings. It cannot be
/// undone, so it says what it deletes and asks first (or takes `--yes`).
struct UserRemove: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a user and all of its data (asks for confirmation unless --yes).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Flag(name: [.customLong("yes"), .customShort("y")], help: "Remove without asking.")
    var yes = false

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        guard let record = try users.record(user) else { throw AdminError.unknownUser(user) }
        let attribution = InstallationAttribution(
            ingestor: TelemetryIngestor(directory: settings.dataDirectory, configuration: settings.store))
        let bound = try attribution.bindings(of: user)
        let summary = try UserSummary.all(in: settings.dataDirectory, limits: settings.limits).first {
            $0.record.id == user.rawValue
        }
        let what =
            "user \(user) (\(Format.safe(record.name))): its record, its aggregate ("
            + (summary?.totalTokens.map { "\($0) tokens in all" } ?? "no data received") + ", last update "
            + (summary?.updatedAt ?? "never") + ") and " + Format.count(bound.count, "installation binding")
            + (bound.isEmpty ? "" : " (their later requests will be parked)")
        if !yes {
            print("This deletes \(what).")
            guard isatty(STDIN_FILENO) != 0 else {
                throw AdminError.invalidArgument("not removed: confirm with --yes (standard input is not a terminal)")
            }
            print("Type the user id, or 'yes', to remove it: ", terminator: "")
            fflush(nil)
            let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
            guard answer == "yes" || answer == user.rawValue else {
                throw AdminError.invalidArgument("not removed (the answer was not 'yes')")
            }
        }
        guard try users.remove(user) else { throw AdminError.unknownUser(user) }
        // The user is gone first, so a bound installation's next request is parked, not lost.
        let unbound = try attribution.removeBindings(of: user)
        print(
            "Removed user \(user) (\(Format.safe(record.name))): its record, its aggregate"
                + (unbound > 0 ? " and its \(Format.count(unbound, "installation binding"))" : ""))
    }
}
