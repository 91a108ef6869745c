import ArgumentParser
import Foundation
import TelemetryAdmin
import TelemetryStore

/// The environment lines of an existing user, for when they are lost or the receiver moved.
struct UserEnv: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print the Claude Code environment lines of an existing user.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The user's id.")
    var id: String

    @Option(
        help: ArgumentHelp(
            PublicURL.help,
            valueName: "base"))
    var url: String?

    func execute() throws {
        let settings = try store.settings()
        let user = try UserID(validating: id)
        guard try UserStore(directory: settings.dataDirectory).record(user) != nil else {
            throw AdminError.unknownUser(user)
        }
        let base = PublicURL.resolve(flag: url, dataDirectory: settings.dataDirectory)
        try ExporterEnvironment(baseURL: base, user: user).printProfileLines()
    }
}
