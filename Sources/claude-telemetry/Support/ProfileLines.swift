import TelemetryAdmin

extension ExporterEnvironment {
    /// The two blocks a person pastes into the shell profile of whoever runs Claude Code. Both
    /// carry the user in a part of the request Claude Code really sends (the path, a header).
    func printProfileLines() {
        print("Add to the shell profile (recommended: one per-user base URL; the exporter appends /v1/metrics and /v1/logs):")
        print("")
        for variable in recommended { print(variable.exportLine) }
        print("")
        print("Or, the header form (the plain base URL, the user in a request header):")
        print("")
        for variable in headerForm { print(variable.exportLine) }
        print("")
        print("Do not put the user in a query string: Claude Code drops it. Such requests are kept by installation")
        print("(see `claude-telemetry unclaimed`) until `claude-telemetry user claim` assigns them to a user.")
        print("\nYour dashboard (keep the link private; the id in it is the key to the data): \(dashboardLink)")
    }
}
