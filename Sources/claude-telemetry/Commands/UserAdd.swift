import ArgumentParser
import Foundation
import TelemetryAdmin
import TelemetryStore

/// Creating a user is the only way a new developer's Claude Code can report, so the command
/// also prints the exact environment to hand over, in both forms Claude Code delivers.
struct UserAdd: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a user and print the environment for its shell profile.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Option(help: "A label for people (the id is what the receiver uses).")
    var name: String

    @Option(
        help: ArgumentHelp(
            "The email the person signs in to Claude Code with: `unclaimed` then suggests this user for parked data "
                + "carrying it (no two users may share an email).",
            valueName: "email"))
    var email: String?

    @Option(
        help: ArgumentHelp(
            "Create the user with this id (e.g. one a client already sends, listed by `unclaimed`): what was parked "
                + "under it is folded into the new user.",
            valueName: "uuid"),
        transform: parseUserID)
    var id: UserID?

    @Flag(name: .customLong("allow-duplicate-name"), help: "Create the user even when another user has the same name.")
    var allowDuplicateName = false

    @Flag(help: "Print the user and both environments as JSON.")
    var json = false

    @Option(
        help: ArgumentHelp(
            PublicURL.help,
            valueName: "base"))
    var url: String?

    func validate() throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--name must not contain control characters")
        }
        if let email {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.utf8.count <= 254,
                !email.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
            else { throw ValidationError("--email '\(UserID.preview(email))' is not an email address") }
        }
    }

    func execute() throws {
        let settings = try store.settings(locking: locking, mayCreate: true)
        let base = PublicURL.resolve(flag: url, dataDirectory: settings.dataDirectory)
        // Checked before anything is created, so a typo in the URL leaves no orphan user.
        _ = try ExporterEnvironment.normalizedBaseURL(base)

        OwnerCheck.warnIfForeign(settings.dataDirectory)
        let record: UserRecord
        do {
            record = try UserStore(directory: settings.dataDirectory, configuration: settings.store)
                .create(name: name, email: email, id: id, allowDuplicateName: allowDuplicateName)
        } catch {
            if case .storage(let storage) = error { throw storage }
            throw AdminError.invalidArgument(error.description)
        }
        let user = try UserID(validating: record.id)
        let exporter = try ExporterEnvironment(baseURL: base, user: user)
        // Requests that named this id before it existed were parked under it.
        var recovered: InstallationAttribution.ClaimReport? = nil
        if id != nil {
            let attribution = InstallationAttribution(ingestor: ClaimingIngestor.make(settings))
            if try attribution.unclaimed().contains(where: { $0.installation == user.rawValue }) {
                recovered = try attribution.claim(.namedUser(user), for: user)
            }
        }

        if json {
            try Console.printJSON(Created(record: record, exporter: exporter))
            return
        }
        print("Created user \(record.id) (\(Format.safe(record.name)))" + (record.email.map { ", email \($0)" } ?? ""))
        if let recovered {
            print(
                "Folded \(Format.count(recovered.requests, "parked request")) this id sent before the user existed "
                    + "(\(recovered.applied) applied, \(recovered.rejected) rejected, \(recovered.duplicates) already counted)")
        }
        print("")
        exporter.printProfileLines()
    }

    struct Created: Encodable {
        let record: UserRecord
        let exporter: ExporterEnvironment

        enum Keys: String, CodingKey { case id, name, createdAt, email, environment, headerEnvironment }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(record.id, forKey: .id)
            try c.encode(record.name, forKey: .name)
            try c.encode(record.createdAt, forKey: .createdAt)
            try c.encodeIfPresent(record.email, forKey: .email)
            try c.encode(Dictionary(uniqueKeysWithValues: exporter.recommended.map { ($0.name, $0.value) }), forKey: .environment)
            try c.encode(
                Dictionary(uniqueKeysWithValues: exporter.headerForm.map { ($0.name, $0.value) }),
                forKey: .headerEnvironment)
        }
    }
}
