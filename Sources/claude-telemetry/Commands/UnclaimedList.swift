import ArgumentParser
import Foundation
import TelemetryDecoding
import TelemetryRead
import TelemetryStore

/// Each waiting source with what lets a person recognise it (first and last seen, Claude Code
/// version, OS, terminal, email), what a claim would add, the user whose email matches (a
/// suggestion only: the client sends the email) and the exact command that claims it.
struct UnclaimedList: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the installations and unknown user ids whose requests wait to be claimed (the default).",
        discussion: UnclaimedList.howToFindYourId)

    static let howToFindYourId = """
        A person finds their own installation id in Claude Code's ~/.claude.json: it is the \
        value of "userID" (for example `jq -r .userID ~/.claude.json`). An unknown user id is a \
        user id a client was configured with that no user has (a typo): claim it, or create \
        that user with `claude-telemetry user add --id UUID --name NAME`.
        """

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let attribution = InstallationAttribution(ingestor: ClaimingIngestor.make(settings))
        let parked = try attribution.unclaimed()
        let entries = try parked.map { entry in
            let source = entry.source
            let owner = try entry.email.flatMap { try attribution.userCreated(withEmail: $0) }
            let preview = try source.map { try attribution.preview($0) } ?? ClaimPreview()
            return Entry(parked: entry, preview: preview, suggestedOwner: owner)
        }
        if json {
            try Console.printJSON(entries)
            return
        }
        if parked.isEmpty {
            print("No unclaimed data.")
            return
        }
        var table = TextTable([
            .left("INSTALLATION OR USER ID"), .left("FIRST SEEN"), .left("LAST SEEN"), .right("REQUESTS"),
            .right("SESSIONS"), .right("TOKENS"), .right("COST USD"), .left("VERSION"), .left("OS"), .left("TERMINAL"),
            .left("EMAIL"),
        ])
        for entry in entries {
            let parked = entry.parked
            table.append([
                parked.installation, parked.firstSeen, parked.lastSeen, String(parked.requests),
                String(entry.preview.sessions), String(entry.preview.tokens), Format.usd(entry.preview.costUsd),
                parked.facts.serviceVersion ?? "-", parked.facts.osType ?? "-", parked.facts.terminalType ?? "-",
                parked.email.map { Format.safe($0) } ?? "-",
            ])
        }
        print(table.render())
        print("")
        print("To claim (folds what is parked into the user once, then attributes later requests to it):")
        for entry in entries {
            if let owner = entry.suggestedOwner {
                print("  \(entry.claimCommand)    # suggested: user \(owner) has email \(Format.safe(entry.parked.email ?? ""))")
            } else {
                print("  \(entry.claimCommand)")
            }
        }
        print("")
        print(
            "Add --dry-run to see what a claim would add. Discard what nobody will claim with "
                + "`claude-telemetry unclaimed discard ID|--older-than DAYS|--all`.")
        print(Self.howToFindYourId.replacingOccurrences(of: "\\\n", with: ""))
    }

    /// Absent values are written as null, so every entry has the same keys.
    struct Entry: Encodable {
        let parked: ParkedInstallation
        let preview: ClaimPreview
        let suggestedOwner: UserID?

        var claimCommand: String {
            "claude-telemetry user claim \(suggestedOwner?.rawValue ?? "UUID") \(parked.installation)"
        }

        enum Keys: String, CodingKey {
            case installation, kind, firstSeen, lastSeen, requests, bytes, serviceVersion, osType, hostArch, terminalType,
                email, sessions, inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, costUsd, suggestedOwner,
                claimCommand
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(parked.installation, forKey: .installation)
            try c.encode(parked.source?.kind, forKey: .kind)
            try c.encode(parked.firstSeen, forKey: .firstSeen)
            try c.encode(parked.lastSeen, forKey: .lastSeen)
            try c.encode(parked.requests, forKey: .requests)
            try c.encode(parked.bytes, forKey: .bytes)
            try c.encode(parked.facts.serviceVersion, forKey: .serviceVersion)
            try c.encode(parked.facts.osType, forKey: .osType)
            try c.encode(parked.facts.hostArch, forKey: .hostArch)
            try c.encode(parked.facts.terminalType, forKey: .terminalType)
            try c.encode(parked.email, forKey: .email)
            try c.encode(preview.sessions, forKey: .sessions)
            try c.encode(preview.inputTokens, forKey: .inputTokens)
            try c.encode(preview.outputTokens, forKey: .outputTokens)
            try c.encode(preview.cacheReadTokens, forKey: .cacheReadTokens)
            try c.encode(preview.cacheCreationTokens, forKey: .cacheCreationTokens)
            try c.encode(preview.costUsd, forKey: .costUsd)
            try c.encode(suggestedOwner?.rawValue, forKey: .suggestedOwner)
            try c.encode(claimCommand, forKey: .claimCommand)
        }
    }
}

/// The ingestor the claiming commands use: the settings' store and limits, and a decoder that
/// accepts any parked body (they passed the responder's own limit when they arrived).
enum ClaimingIngestor {
    static func make(_ settings: RuntimeSettings) -> TelemetryIngestor {
        TelemetryIngestor(
            directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits,
            decoder: OTLPDecoder(maxBodyBytes: 1 << 30))
    }
}
