import TelemetryCore

extension ExporterEnvironment {
    /// The two blocks a person pastes into the shell profile of whoever runs Claude Code.
    func printProfileLines() {
        print("Add to the shell profile (recommended: one per-user base URL; the exporter appends /v1/metrics and /v1/logs):")
        print("")
        for variable in recommended { print(variable.exportLine) }
        print("")
        print("Or, the documented form (one URL per signal, the user in the query):")
        print("")
        for variable in documented { print(variable.exportLine) }
        print("\nYour dashboard (keep the link private; the id in it is the key to the data): \(dashboardLink)")
    }
}
