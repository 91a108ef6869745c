import ArgumentParser
import Foundation
import TelemetryStore

/// Moves a user to another data directory (another shard) without losing totals: the file
/// holds the record and the aggregate byte for byte, for `user import` on the new host.
struct UserExport: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a user's record and aggregate to a file, for `user import` on another shard.")

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Write to this file (replaced atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func execute() throws {
        let settings = try store.settings()
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        guard let transfer = try users.export(user, limits: settings.limits) else { throw AdminError.unknownUser(user) }
        let bytes = transfer.encoded()
        guard let output, output != "-" else {
            Console.write(bytes)
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw AdminError.cannotWriteOutput(path: output, reason: (error as NSError).localizedDescription)
        }
    }
}

/// The other half of a move: creates the exported user here, totals included.
struct UserImport: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create a user from a `user export` file (refused when the user already exists here).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The file `user export` wrote (- for stdin).", valueName: "file"))
    var file: String

    func execute() throws {
        let settings = try store.settings(locking: locking, mayCreate: true)
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AdminError.invalidArgument("cannot read \(Format.safe(file))")
            }
            bytes = Array(data)
        }
        let transfer: UserTransfer
        do {
            transfer = try UserTransfer.decode(bytes, limits: settings.limits)
        } catch {
            throw AdminError.invalidArgument(error.description)
        }
        do {
            try UserStore(directory: settings.dataDirectory, configuration: settings.store).importUser(transfer)
        } catch {
            switch error {
            case .storage(let storage): throw storage
            case .malformed, .alreadyExists: throw AdminError.invalidArgument(error.description)
            }
        }
        print("Imported user \(transfer.record.id) (\(Format.safe(transfer.record.name)))")
    }
}
