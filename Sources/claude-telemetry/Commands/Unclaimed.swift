import ArgumentParser
import TelemetryRead
import TelemetryStore

/// What arrived with no user and waits for `claude-telemetry user claim`, with what lets a
/// person recognise their machine (Claude Code version, OS, architecture, terminal, email).
struct Unclaimed: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "List Claude Code installations whose requests named no user and wait to be claimed.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let ingestor = TelemetryIngestor(directory: settings.dataDirectory, configuration: settings.store)
        let parked = try InstallationAttribution(ingestor: ingestor).unclaimed()
        if json {
            try Console.printJSON(parked.map(Entry.init))
            return
        }
        if parked.isEmpty {
            print("No unclaimed data.")
            return
        }
        var table = TextTable([
            .left("INSTALLATION"), .left("FIRST SEEN"), .left("LAST SEEN"), .right("REQUESTS"),
            .right("BYTES"), .left("VERSION"), .left("OS"), .left("ARCH"), .left("TERMINAL"), .left("EMAIL"),
        ])
        for entry in parked {
            table.append([
                entry.installation, entry.firstSeen, entry.lastSeen, String(entry.requests), String(entry.bytes),
                entry.facts.serviceVersion ?? "-", entry.facts.osType ?? "-", entry.facts.hostArch ?? "-",
                entry.facts.terminalType ?? "-", entry.email.map { Format.safe($0) } ?? "-",
            ])
        }
        print(table.render())
        print("")
        print("Assign one to a user with `claude-telemetry user claim UUID INSTALLATION`.")
    }

    /// Absent values are written as null, so every entry has the same keys.
    struct Entry: Encodable {
        let parked: ParkedInstallation

        enum Keys: String, CodingKey {
            case installation, firstSeen, lastSeen, requests, bytes, serviceVersion, osType, hostArch, terminalType, email
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(parked.installation, forKey: .installation)
            try c.encode(parked.firstSeen, forKey: .firstSeen)
            try c.encode(parked.lastSeen, forKey: .lastSeen)
            try c.encode(parked.requests, forKey: .requests)
            try c.encode(parked.bytes, forKey: .bytes)
            try c.encode(parked.facts.serviceVersion, forKey: .serviceVersion)
            try c.encode(parked.facts.osType, forKey: .osType)
            try c.encode(parked.facts.hostArch, forKey: .hostArch)
            try c.encode(parked.facts.terminalType, forKey: .terminalType)
            try c.encode(parked.email, forKey: .email)
        }
    }
}
