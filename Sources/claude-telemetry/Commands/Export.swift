import ArgumentParser
import Foundation
import TelemetryCore

/// Hands a user's published figures to spreadsheets and scripts without making them parse
/// `aggregate.json` or know which source each figure comes from.
struct Export: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a user's figures per day or per model as CSV.")

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case day, model

        var core: CSVExport.Grouping {
            switch self {
            case .day: .day
            case .model: .model
            }
        }
    }

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Option(help: ArgumentHelp("One row per UTC day, or one per model.", valueName: "day|model"))
    var by: Grouping

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (replaced atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func execute() throws {
        let settings = try store.settings()
        guard UserStore(directory: settings.dataDirectory).exists(user) else { throw AdminError.unknownUser(user) }
        let aggregates = AggregateStore(directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits)
        let document = try aggregates.read(user) ?? AggregateDocument(user: user, limits: settings.limits)
        let csv = CSVExport.csv(AggregateView(document), by: by.core)
        guard let output, output != "-" else {
            Console.write(Array(csv.utf8))
            return
        }
        do {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw AdminError.cannotWriteOutput(path: output, reason: (error as NSError).localizedDescription)
        }
    }
}
