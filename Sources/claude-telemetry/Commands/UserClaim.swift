import ArgumentParser
import TelemetryDecoding
import TelemetryStore

/// Claude Code configured with a `?user=` URL sends no user (its exporter drops the query);
/// its requests are parked by installation, and requests naming an unknown user id under that
/// id. This assigns one to a user: what was parked is folded into the user's totals exactly
/// once, and later requests go there directly. Only this command (and `--move`, `unbind`)
/// ever binds: the data's email is only a suggestion.
struct UserClaim: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Bind an installation (or unknown user id) to a user and fold its parked requests into the user's totals.",
        discussion: "The ids with parked data are listed by `claude-telemetry unclaimed`. " + UnclaimedList.howToFindYourId)

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Argument(
        help: ArgumentHelp(
            "The installation id (Claude Code's user.id: 64 hex digits), or an unknown user id a client sent.",
            valueName: "installation-id"),
        transform: parseParkedSource)
    var source: ParkedSource

    @Flag(name: .customLong("dry-run"), help: "Print what the claim would add; change nothing.")
    var dryRun = false

    @Flag(help: "Move the binding when the installation is bound to another user (what that user has stays there).")
    var move = false

    func execute() throws {
        let settings = try store.settings(locking: locking)
        let attribution = InstallationAttribution(ingestor: ClaimingIngestor.make(settings))
        guard attribution.ingestor.users.exists(user) else { throw AdminError.unknownUser(user) }
        if dryRun {
            let preview = try attribution.preview(source, for: user)
            let bound = try attribution.boundUser(source)
            print(
                "Would fold \(Format.count(preview.requests - preview.alreadyCounted, "parked request")) of \(source.kind) \(source) "
                    + "into user \(user): \(Format.count(preview.sessions, "session")), \(preview.inputTokens) input and "
                    + "\(preview.outputTokens) output tokens, \(preview.cacheReadTokens) cache-read and "
                    + "\(preview.cacheCreationTokens) cache-creation tokens, \(Format.usd(preview.costUsd)) USD"
                    + (preview.alreadyCounted > 0 ? " (\(preview.alreadyCounted) already counted by an interrupted claim)" : ""))
            if let bound, bound != user {
                print("It is bound to user \(bound): the claim needs --move.")
            }
            print("Nothing was changed.")
            return
        }
        let report = try attribution.claim(source, for: user, move: move)
        if report.requests > 0 {
            // claude_telemetry_requests_claimed_total: counted in a slot of the service's counters.
            do {
                try ServiceCounterSlot.add(settings.dataDirectory, ServiceCounterKey(.claimed), UInt64(report.requests))
            } catch {
                Console.error("the claim is done; it could not be counted in the service's counters: \(error)")
            }
        }
        if let from = report.movedFrom {
            print("Moved \(source.kind) \(source) from user \(from) to user \(user) (what \(from) has counted stays there)")
        }
        print(
            "Bound \(source.kind) \(source) to user \(user): \(Format.count(report.requests, "parked request")) folded "
                + "(\(report.applied) applied, \(report.rejected) rejected, \(report.duplicates) already counted"
                + (report.alreadyCounted > 0 ? ", \(report.alreadyCounted) requests applied by an interrupted claim" : "") + ")")
    }
}

@Sendable func parseInstallationID(_ text: String) throws -> InstallationID {
    guard let installation = InstallationID(text) else {
        throw ValidationError(
            "'\(UserID.preview(text))' is not an installation id: expected 64 hex digits (see `claude-telemetry unclaimed`)")
    }
    return installation
}

@Sendable func parseParkedSource(_ text: String) throws -> ParkedSource {
    guard let source = ParkedSource(text) else {
        throw ValidationError(
            "'\(UserID.preview(text))' is neither an installation id (64 hex digits) nor a user id "
                + "(see `claude-telemetry unclaimed`)")
    }
    return source
}
