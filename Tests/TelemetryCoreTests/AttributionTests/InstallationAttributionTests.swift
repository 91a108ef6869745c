import Foundation
import OTLPProto
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

@Suite("Attribution by installation: parking, claim, bindings, bounds")
struct InstallationAttributionTests {
    @Test("parked requests are folded exactly once, in arrival order, by a claim; later ones go straight to the user")
    func claimFoldsOnce() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try #require(InstallationID(Installation.a))
            for (sequence, input) in [(1, 100.0), (2, 20.0), (3, 3.0)] {
                #expect(try area.receive(Installation.tokens(Installation.a, input, sequence: UInt64(sequence))) == .parked(a))
            }
            #expect(try area.receive(Installation.prompts(Installation.a, count: 4, sequence: 4)) == .parked(a))
            #expect(try area.inputTokens() == nil)  // nothing reached any user yet

            let parked = try area.attribution.unclaimed()
            #expect(parked.map(\.installation) == [Installation.a])
            #expect(parked.first?.requests == 4)
            #expect(
                parked.first?.facts
                    == MachineFacts(
                        serviceVersion: "2.0.50", osType: "linux", hostArch: "amd64",
                        terminalType: "vscode"))
            #expect(try area.parkedFiles(Installation.a).count == 4)

            let report = try area.attribution.claim(a, for: area.user)
            #expect(report.requests == 4)
            #expect(report.applied == 3 + 4)
            #expect(try area.inputTokens() == 123)
            #expect(try area.store.published().integer("events", "user_prompt") == 4)
            #expect(try area.attribution.unclaimed().isEmpty)
            #expect(try area.parkedFiles(Installation.a).isEmpty)
            #expect(try area.attribution.boundUser(a) == area.user)

            // Claiming again folds nothing; a new request is attributed directly.
            #expect(try area.attribution.claim(a, for: area.user).requests == 0)
            guard
                case .attributed(let user, let applied, false) = try area.receive(
                    Installation.tokens(Installation.a, 7, sequence: 5))
            else { Issue.record("not attributed"); return }
            #expect(user == area.user && applied.applied == 1)
            #expect(try area.inputTokens() == 130)
            #expect(
                try area.attribution.summary()
                    == AttributionSummary(
                        parkedInstallations: 0, parkedRequests: 0, parkedBytes: 0, unattributedRequestsParked: 4,
                        boundInstallations: 1))
        }
    }

    @Test("a claim cut short after applying a request but before deleting it counts that request once")
    func interruptedClaim() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try #require(InstallationID(Installation.a))
            try area.receive(Installation.tokens(Installation.a, 50, sequence: 1))
            try area.receive(Installation.prompts(Installation.a, count: 2, sequence: 2))
            let folder = area.store.directory.parkedDirectory(a)
            let names = try area.parkedFiles(Installation.a)
            let saved = try names.map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) }
            _ = try area.attribution.claim(a, for: area.user)
            // The files come back, as if the claim had died before deleting them.
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, data) in zip(names, saved) { try data.write(to: URL(fileURLWithPath: folder + "/" + name)) }
            let again = try area.attribution.claim(a, for: area.user)
            #expect(again.requests == 2 && again.applied == 0 && again.duplicates == 3)
            #expect(try area.inputTokens() == 50)
            #expect(try area.store.published().integer("events", "user_prompt") == 2)
        }
    }

    @Test("an installation bound to one user cannot be claimed by another")
    func boundElsewhere() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try #require(InstallationID(Installation.a))
            _ = try area.attribution.claim(a, for: area.user)
            let other = try UserStore(directory: area.store.directory, configuration: area.store.configuration).add(name: "B")
            let otherID = try UserID(validating: other.id)
            #expect(throws: AttributionError.boundElsewhere(a, area.user)) { try area.attribution.claim(a, for: otherID) }
            // Removing the user's bindings frees it.
            #expect(try area.attribution.removeBindings(of: area.user) == 1)
            #expect(try area.attribution.boundUser(a) == nil)
            #expect(try area.attribution.claim(a, for: otherID).requests == 0)
        }
    }

    @Test("the email a user was created with binds the installation on first match, folding what was parked")
    func emailBinding() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let users = UserStore(directory: area.store.directory, configuration: area.store.configuration)
            try area.receive(Installation.tokens(Installation.b, 5, sequence: 1))  // parked: no email yet
            let record = try users.add(name: "Dev", email: "dev@example.com")
            let dev = try UserID(validating: record.id)
            guard
                case .attributed(let user, _, true) = try area.receive(
                    Installation.tokens(Installation.b, 6, sequence: 2, email: "Dev@Example.com"))
            else { Issue.record("not attributed by email"); return }
            #expect(user == dev)
            let document = try #require(try area.store.ingestor.store.read(dev))
            #expect(try Published(document).integer("totals", "totalInputTokens") == 11)
            #expect(try area.attribution.unclaimed().isEmpty)
            #expect(try area.attribution.bindings().map(\.origin) == [.email])
        }
    }

    @Test("refuse: nothing is kept; several installations in one request: refused, nothing kept")
    func refusals() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            #expect(throws: AttributionError.refused) {
                try area.receive(Installation.tokens(Installation.a, 1, sequence: 1), policy: .refuse)
            }
            var mixed = Installation.tokens(Installation.a, 1, sequence: 1)
            mixed.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints +=
                Installation.tokens(Installation.b, 2, sequence: 2).resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints
            #expect(throws: AttributionError.severalInstallations(2)) { try area.receive(mixed) }
            var anonymous = Installation.tokens(Installation.a, 1, sequence: 1)
            anonymous.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes.removeAll { $0.key == "user.id" }
            #expect(throws: AttributionError.noInstallation) { try area.receive(anonymous) }
            #expect(try area.attribution.unclaimed().isEmpty)
            #expect(try area.attribution.summary().unattributedRequestsParked == 0)
        }
    }

    @Test("bounds: installations, bytes per installation, total bytes; 'full' changes nothing")
    func bounds() throws {
        try withTemporaryDirectory { root in
            for folder in ["installations", "per", "total"] {
                try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            }
            let one = try AttributionStore(
                root: root + "/installations",
                limits: {
                    var limits = ParkingLimits()
                    limits.maxInstallations = 2
                    return limits
                }())
            try one.receive(Installation.tokens(Installation.a, 1, sequence: 1))
            try one.receive(Installation.tokens(Installation.b, 1, sequence: 1))
            #expect(throws: AttributionError.self) { try one.receive(Installation.tokens(Installation.c, 1, sequence: 1)) }
            try one.receive(Installation.tokens(Installation.a, 1, sequence: 2))  // a known installation still parks
            #expect(try one.attribution.unclaimed().map(\.requests) == [2, 1])

            let size = try one.attribution.unclaimed()[1].bytes  // one parked request, as stored
            let perInstallation = try AttributionStore(
                root: root + "/per",
                limits: {
                    var limits = ParkingLimits()
                    limits.maxBytesPerInstallation = 2 * size
                    return limits
                }())
            try perInstallation.receive(Installation.tokens(Installation.a, 1, sequence: 1))
            try perInstallation.receive(Installation.tokens(Installation.a, 1, sequence: 2))
            #expect(throws: AttributionError.self) {
                try perInstallation.receive(Installation.tokens(Installation.a, 1, sequence: 3))
            }
            try perInstallation.receive(Installation.tokens(Installation.b, 1, sequence: 3))
            #expect(try perInstallation.parkedFiles(Installation.a).count == 2)

            let total = try AttributionStore(
                root: root + "/total",
                limits: {
                    var limits = ParkingLimits()
                    limits.maxTotalBytes = 3 * size
                    return limits
                }())
            for installation in [Installation.a, Installation.b, Installation.c] {
                try total.receive(Installation.tokens(installation, 1, sequence: 1))
            }
            #expect(throws: AttributionError.self) { try total.receive(Installation.tokens(Installation.a, 1, sequence: 2)) }
            #expect(try total.attribution.summary().parkedBytes == 3 * size)
        }
    }

    @Test("parked data older than the age bound is deleted, oldest first")
    func expiry() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(
                root: root,
                limits: {
                    var limits = ParkingLimits()
                    limits.maxAgeSeconds = 3600
                    return limits
                }())
            try area.receive(Installation.tokens(Installation.a, 1, sequence: 1), at: 0)
            try area.receive(Installation.tokens(Installation.a, 2, sequence: 2), at: 1800)
            try area.receive(Installation.tokens(Installation.b, 4, sequence: 3), at: 1900)
            // At 3700 s the first request of a is over an hour old.
            try area.receive(Installation.tokens(Installation.c, 8, sequence: 4), at: 3700)
            let parked = try area.attribution.unclaimed()
            #expect(parked.map(\.installation) == [Installation.a, Installation.b, Installation.c])
            #expect(parked.map(\.requests) == [1, 1, 1])
            #expect(try area.parkedFiles(Installation.a) == ["00000000000000000001.otlp"])
            // At 5600 s everything of a and b is gone.
            try area.receive(Installation.tokens(Installation.c, 16, sequence: 5), at: 5600)
            #expect(try area.attribution.unclaimed().map(\.installation) == [Installation.c])
            #expect(try area.parkedFiles(Installation.a).isEmpty)
            _ = try area.attribution.claim(try #require(InstallationID(Installation.c)), for: area.user)
            #expect(try area.inputTokens() == 24)
        }
    }

    @Test("verify: a clean parked area, then a corrupt parked file and a binding to a removed user")
    func verify() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            try area.receive(Installation.tokens(Installation.a, 1, sequence: 1))
            _ = try area.attribution.claim(try #require(InstallationID(Installation.b)), for: area.user)
            let verifier = DataDirectoryVerifier(directory: area.store.directory, configuration: area.store.configuration)
            #expect(verifier.verify().problems == [])

            let folder = area.store.directory.parkedDirectory(try #require(InstallationID(Installation.a)))
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: folder + "/00000000000000000000.otlp"))
            try UserStore(directory: area.store.directory, configuration: area.store.configuration).remove(area.user)
            let problems = verifier.verify().problems
            #expect(
                problems.map(\.path) == [
                    area.store.directory.bindingPath(try #require(InstallationID(Installation.b))),
                    folder,
                    folder + "/00000000000000000000.otlp",
                ])
            #expect(
                problems.map(\.reason) == [
                    "bound to user \(area.user), which does not exist; its requests are parked",
                    "index.json says 1 requests, \(try area.attribution.unclaimed()[0].bytes) bytes; found 1 requests, 7 bytes (an interrupted claim?)",
                    "corrupt parked request: no header line",
                ])
        }
    }
}
