import ArgumentParser
import TelemetryAdmin
import TelemetryStore

/// Brings `aggregate.json` up to date with the journal (the responder does it on its own within
/// the bounds the README gives; this is for a copy or a check that wants it at once).
struct Compact: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold users' journals into their aggregate.json now.",
        discussion: "Takes each user's lock; safe to run while the responder serves.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(
        help: ArgumentHelp("The user to compact. Omit it and pass --all for every user.", valueName: "uuid"),
        transform: parseUserID)
    var user: UserID?

    @Flag(help: "Compact every user.")
    var all = false

    func validate() throws {
        if (user == nil) == !all { throw ValidationError("name one user (a UUID) or pass --all") }
    }

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        let aggregates = AggregateStore(directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits)
        let targets: [UserID]
        if let user {
            guard try users.isKnown(user) else { throw AdminError.unknownUser(user) }
            targets = [user]
        } else {
            targets = try users.knownUsers()
        }
        var firstFailure: (any Error)?
        var compacted = 0
        for user in targets {
            do {
                if try aggregates.compact(user) { compacted += 1 }
            } catch {
                Console.error("\(user): \(AdminFailure.message(for: error))")
                firstFailure = firstFailure ?? error
            }
        }
        print(
            "\(Format.count(compacted, "user")) compacted, \(Format.count(targets.count - compacted, "user")) already up to date")
        if let firstFailure { throw AdminFailure.exitCode(for: firstFailure) }
    }
}
