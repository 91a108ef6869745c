import ArgumentParser
import TelemetryStore

/// Removal takes effect on the next read: the responder reads the budget file every time.
struct BudgetRemove: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove the budget of a user, a group or the team.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions
    @OptionGroup var scopeOptions: BudgetScopeOptions

    func execute() throws {
        let scope = try scopeOptions.scope()
        let settings = try store.settings(locking: locking)
        try BudgetStore(directory: settings.dataDirectory, configuration: settings.store).remove(scope)
        print("Removed the budget of \(Format.safe(scope.description))")
    }
}
