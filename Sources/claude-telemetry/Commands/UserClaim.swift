import ArgumentParser
import TelemetryDecoding
import TelemetryStore

/// Claude Code configured with a `?user=` URL sends no user (its exporter drops the query);
/// its requests are parked by installation. This assigns an installation to a user: what was
/// parked is folded into the user's totals exactly once, and later requests go there directly.
struct UserClaim: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Bind a Claude Code installation to a user and fold its parked requests into the user's totals.",
        discussion: "The installation ids with parked data are listed by `claude-telemetry unclaimed`.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Argument(
        help: ArgumentHelp("The installation id (Claude Code's user.id: 64 hex digits).", valueName: "installation-id"),
        transform: parseInstallationID)
    var installation: InstallationID

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let ingestor = TelemetryIngestor(
            directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits,
            decoder: OTLPDecoder(maxBodyBytes: 1 << 30))  // parked bodies passed the responder's own limit
        guard ingestor.users.exists(user) else { throw AdminError.unknownUser(user) }
        let report = try InstallationAttribution(ingestor: ingestor).claim(installation, for: user)
        print(
            "Bound installation \(installation) to user \(user): \(Format.count(report.requests, "parked request")) folded "
                + "(\(report.applied) applied, \(report.rejected) rejected, \(report.duplicates) already counted)")
    }
}

@Sendable func parseInstallationID(_ text: String) throws -> InstallationID {
    guard let installation = InstallationID(text) else {
        throw ValidationError(
            "'\(UserID.preview(text))' is not an installation id: expected 64 hex digits (see `claude-telemetry unclaimed`)")
    }
    return installation
}
