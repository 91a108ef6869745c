import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

@Suite("Attribution by installation: parking, claim, bindings, bounds")
struct InstallationAttributionTests {
    static func source(_ text: String) throws -> ParkedSource { try #require(ParkedSource(text)) }

    @Test("parked requests are folded exactly once, in arrival order, by a claim; later ones go straight to the user")
    func claimFoldsOnce() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
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
                    == MachineFacts(serviceVersion: "2.0.50", osType: "linux", hostArch: "amd64", terminalType: "vscode"))
            // One log for the installation; its size on disk is what is accounted.
            let log = area.store.directory.parkedLogPath(a)
            #expect(parked.first?.bytes == AttributionStore.allocated(log))
            #expect(try area.attribution.preview(a).inputTokens == 123)

            let report = try area.attribution.claim(a, for: area.user)
            #expect(report.requests == 4)
            #expect(report.applied == 3 + 4)
            #expect(try area.inputTokens() == 123)
            #expect(try area.store.published().integer("events", "user_prompt") == 4)
            #expect(try area.attribution.unclaimed().isEmpty)
            #expect(try area.parkedLog(Installation.a) == nil)
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

    @Test("a claim cut short after any request, re-run after 200 other requests of the user, counts each parked request once")
    func interruptedClaimAtEveryPoint() throws {
        let inputs: [Double] = [1, 2, 4, 8, 16, 32]
        for cut in 0...inputs.count {
            try withTemporaryDirectory { root in
                let area = try AttributionStore(root: root)
                let a = try Self.source(Installation.a)
                let b = try Self.source(Installation.b)
                for (index, input) in inputs.enumerated() {
                    try area.receive(Installation.tokens(Installation.a, input, sequence: UInt64(index + 1)))
                }
                // The claim dies after `cut` requests were applied: marks written, log and index intact, no binding.
                _ = try area.attribution.foldLocked(a, into: area.user, from: 0, maxRecords: cut, now: fixedNow)
                #expect(try area.attribution.boundUser(a) == nil)
                #expect(try area.attribution.unclaimed().first?.requests == inputs.count)
                // Meanwhile the user sends more requests than the request window remembers.
                _ = try area.attribution.claim(b, for: area.user)
                for index in 0..<200 {
                    try area.receive(Installation.tokens(Installation.b, 1000, sequence: UInt64(100 + index)))
                }
                let report = try area.attribution.claim(a, for: area.user)
                #expect(report.requests == inputs.count && report.alreadyCounted == cut)
                #expect(try area.inputTokens() == 63 + 200_000)
            }
        }
    }

    @Test("a claim whose log is restored after it finished (a crash before the delete) counts nothing twice")
    func crashBeforeDelete() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
            try area.receive(Installation.tokens(Installation.a, 50, sequence: 1))
            try area.receive(Installation.prompts(Installation.a, count: 2, sequence: 2))
            let log = try #require(try area.parkedLog(Installation.a))
            let index = try #require(FileManager.default.contents(atPath: area.store.directory.parkedIndexPath))
            _ = try area.attribution.claim(a, for: area.user)
            try log.write(to: URL(fileURLWithPath: area.store.directory.parkedLogPath(a)))
            try index.write(to: URL(fileURLWithPath: area.store.directory.parkedIndexPath))
            let again = try area.attribution.claim(a, for: area.user)
            #expect(again.requests == 2 && again.alreadyCounted == 2 && again.applied == 0)
            #expect(try area.inputTokens() == 50)
            #expect(try area.store.published().integer("events", "user_prompt") == 2)
        }
    }

    @Test("a claim in chunks of 2 folds 7 requests exactly, in order")
    func chunkedClaim() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
            for index in 0..<7 {
                try area.receive(Installation.tokens(Installation.a, Double(1 << index), sequence: UInt64(index + 1)))
            }
            var chunk = InstallationAttribution.ClaimChunk()
            chunk.maxRecords = 2
            let report = try area.attribution.claim(a, for: area.user, chunk: chunk)
            #expect(report.requests == 7 && report.applied == 7)
            #expect(try area.inputTokens() == 127)
        }
    }

    @Test("only operator commands bind: claim refuses another user's installation; --move moves it; unbind parks again")
    func bindingsByOperatorOnly() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
            _ = try area.attribution.claim(a, for: area.user)
            let other = try UserStore(directory: area.store.directory, configuration: area.store.configuration).add(name: "B")
            let otherID = try UserID(validating: other.id)
            #expect(throws: AttributionError.boundElsewhere(a, area.user)) { try area.attribution.claim(a, for: otherID) }
            let moved = try area.attribution.claim(a, for: otherID, move: true)
            #expect(moved.movedFrom == area.user)
            #expect(try area.attribution.boundUser(a) == otherID)
            #expect(throws: AttributionError.notBound(a, otherID)) { try area.attribution.unbind(a, from: area.user) }
            try area.attribution.unbind(a, from: otherID)
            #expect(try area.attribution.boundUser(a) == nil)
            #expect(try area.receive(Installation.tokens(Installation.a, 1, sequence: 1)) == .parked(a))
            // Removing a user's bindings frees its installations.
            _ = try area.attribution.claim(a, for: otherID)
            #expect(try area.attribution.removeBindings(of: otherID) == 1)
            #expect(try area.attribution.boundUser(a) == nil)
        }
    }

    @Test("by default a user.email match binds nothing and applies nothing: the request is parked, the user suggested")
    func emailNeverBindsByDefault() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let users = UserStore(directory: area.store.directory, configuration: area.store.configuration)
            let dev = try UserID(validating: try users.add(name: "Dev", email: "dev@example.com").id)
            let b = try Self.source(Installation.b)
            for sequence in 1...302 {
                #expect(
                    try area.receive(
                        Installation.tokens(Installation.b, 999_000, sequence: UInt64(sequence), email: "DEV@example.com"))
                        == .parked(b))
            }
            #expect(try area.store.ingestor.store.read(dev) == nil)
            #expect(try area.attribution.bindings().isEmpty)
            let parked = try #require(try area.attribution.unclaimed().first)
            #expect(try parked.email.flatMap { try area.attribution.userCreated(withEmail: $0) } == dev)
        }
    }

    @Test("--trust-client-email binds on a match, folding what was parked; never under refuse; never over another email")
    func trustedEmail() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root, trustClientEmail: true)
            let users = UserStore(directory: area.store.directory, configuration: area.store.configuration)
            try area.receive(Installation.tokens(Installation.b, 5, sequence: 1))  // parked: no email yet
            let dev = try UserID(validating: try users.add(name: "Dev", email: "dev@example.com").id)
            #expect(throws: AttributionError.refused) {
                try area.receive(Installation.tokens(Installation.b, 6, sequence: 2, email: "dev@example.com"), policy: .refuse)
            }
            #expect(try area.attribution.bindings().isEmpty)
            guard
                case .attributed(let user, _, true) = try area.receive(
                    Installation.tokens(Installation.b, 6, sequence: 2, email: "Dev@Example.com"))
            else { Issue.record("not attributed by email"); return }
            #expect(user == dev)
            let document = try #require(try area.store.ingestor.store.read(dev))
            #expect(try Published(document).integer("totals", "totalInputTokens") == 11)
            #expect(try area.attribution.unclaimed().isEmpty)
            #expect(try area.attribution.bindings().map(\.origin) == [.email])

            // A victim's installation parked with the victim's email is not taken by another email.
            let c = try Self.source(Installation.c)
            try area.receive(Installation.tokens(Installation.c, 7, sequence: 3, email: "victim@example.com"))
            #expect(try area.receive(Installation.tokens(Installation.c, 8, sequence: 4, email: "dev@example.com")) == .parked(c))
            #expect(try area.attribution.boundUser(c) == nil)
        }
    }

    @Test("--trust-client-email: when applying the data fails, no binding is left")
    func failedApplyLeavesNoBinding() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root, trustClientEmail: true)
            let users = UserStore(directory: area.store.directory, configuration: area.store.configuration)
            let dev = try UserID(validating: try users.add(name: "Dev", email: "dev@example.com").id)
            try Data("not json".utf8).write(to: URL(fileURLWithPath: area.store.directory.aggregatePath(dev)))
            #expect(throws: StorageError.self) {
                try area.receive(Installation.tokens(Installation.b, 6, sequence: 2, email: "dev@example.com"))
            }
            #expect(try area.attribution.bindings().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: area.store.directory.bindingsDirectory + "/" + Installation.b))
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

    @Test("bounds, in bytes on disk: installations, bytes per installation, total bytes; 'full' changes nothing")
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
            // Two small requests share one 4 KiB block: what the disk really holds is counted.
            #expect(try one.attribution.unclaimed().map(\.bytes) == [4096, 4096])

            let perInstallation = try AttributionStore(
                root: root + "/per",
                limits: {
                    var limits = ParkingLimits()
                    limits.maxBytesPerInstallation = 4096
                    return limits
                }())
            var parked = 0
            do {
                for sequence in 1...100 {
                    try perInstallation.receive(Installation.tokens(Installation.a, 1, sequence: UInt64(sequence)))
                    parked += 1
                }
            } catch AttributionError.parkingFull(_, let retryAfter) {
                #expect(retryAfter == 5)
            }
            #expect(parked > 1 && parked < 100)
            let entry = try #require(try perInstallation.attribution.unclaimed().first)
            #expect(entry.requests == parked && entry.bytes == 4096)
            try perInstallation.receive(Installation.tokens(Installation.b, 1, sequence: 3))

            let total = try AttributionStore(
                root: root + "/total",
                limits: {
                    var limits = ParkingLimits()
                    limits.maxTotalBytes = 3 * 4096
                    return limits
                }())
            for installation in [Installation.a, Installation.b, Installation.c] {
                try total.receive(Installation.tokens(installation, 1, sequence: 1))
            }
            #expect(throws: AttributionError.self) {
                try total.receive(Installation.tokens(String(repeating: "d4", count: 32), 1, sequence: 2))
            }
            #expect(try total.attribution.summary().parkedBytes == 3 * 4096)
        }
    }

    @Test("one client address gets a bounded share per window; another address still parks; the window passes")
    func addressShares() throws {
        try withTemporaryDirectory { root in
            var limits = ParkingLimits()
            limits.maxNewInstallationsPerAddress = 3
            let area = try AttributionStore(root: root, limits: limits)
            let flood = (0..<10).map { String(format: "%064x", 0xf100 + $0) }
            var accepted = 0
            for installation in flood {
                do {
                    try area.receive(Installation.tokens(installation, 1, sequence: 1), address: "192.0.2.7")
                    accepted += 1
                } catch AttributionError.parkingFull(let reason, let retryAfter) {
                    #expect(reason.contains("client address 192.0.2.7"))
                    #expect(retryAfter <= 5)
                }
            }
            #expect(accepted == 3)
            // A known installation of the flooding address still parks; another address's new one too.
            try area.receive(Installation.tokens(flood[0], 2, sequence: 2), address: "192.0.2.7")
            #expect(
                try area.receive(Installation.tokens(Installation.a, 1, sequence: 1), address: "198.51.100.9")
                    == .parked(try Self.source(Installation.a)))
            // An hour later the flooding address has a new share.
            try area.receive(Installation.tokens(flood[5], 1, sequence: 1), at: 3601, address: "192.0.2.7")
            #expect(try area.attribution.unclaimed().count == 5)
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
            #expect(try area.attribution.preview(try Self.source(Installation.a)).inputTokens == 2)
            // At 5600 s everything of a and b is gone.
            try area.receive(Installation.tokens(Installation.c, 16, sequence: 5), at: 5600)
            #expect(try area.attribution.unclaimed().map(\.installation) == [Installation.c])
            #expect(try area.parkedLog(Installation.a) == nil)
            _ = try area.attribution.claim(try Self.source(Installation.c), for: area.user)
            #expect(try area.inputTokens() == 24)
        }
    }

    @Test("discard: one installation, older than N days, all; --dry-run deletes nothing")
    func discard() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            try area.receive(Installation.tokens(Installation.a, 1, sequence: 1), at: 0)
            try area.receive(Installation.tokens(Installation.a, 2, sequence: 2), at: 3 * 86_400)
            try area.receive(Installation.tokens(Installation.b, 4, sequence: 3), at: 3 * 86_400)
            try area.receive(Installation.tokens(Installation.c, 8, sequence: 4), at: 3 * 86_400)
            let now = Timestamp(nanoseconds: fixedNow.nanoseconds + 4 * 86_400 * 1_000_000_000)
            let dry = try area.attribution.discard(.olderThan(days: 2), dryRun: true, now: now)
            #expect(dry.map(\.installation) == [Installation.a] && dry.map(\.requests) == [1])
            #expect(try area.attribution.summary().parkedRequests == 4)
            #expect(try area.attribution.discard(.olderThan(days: 2), dryRun: false, now: now).map(\.requests) == [1])
            #expect(try area.attribution.preview(try Self.source(Installation.a)).inputTokens == 2)
            #expect(try area.attribution.discard(.source(try Self.source(Installation.b)), dryRun: false).map(\.requests) == [1])
            #expect(try area.attribution.discard(.all, dryRun: false).map(\.requests) == [1, 1])
            #expect(try area.attribution.summary().parkedRequests == 0)
            #expect(throws: AttributionError.nothingParked(try Self.source(Installation.a))) {
                try area.attribution.discard(.source(try Self.source(Installation.a)), dryRun: false)
            }
        }
    }

    @Test("a request naming an unknown user id is parked under it, then recovered by creating that user with --id")
    func unknownUserId() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let typo = try UserID(validating: "0badc0de-0000-4000-8000-000000000001")
            let outcome = try area.receive(Installation.tokens(Installation.a, 40, sequence: 1), unknownUser: typo)
            #expect(outcome == .parked(.namedUser(typo)))
            #expect(throws: IngestError.unknownUser(typo)) {
                try area.receive(Installation.tokens(Installation.a, 40, sequence: 2), policy: .refuse, unknownUser: typo)
            }
            let summary = try area.attribution.summary()
            #expect(summary.unknownUserIds == 1 && summary.unknownUserRequests == 1 && summary.unknownUserRequestsParked == 1)
            let users = UserStore(directory: area.store.directory, configuration: area.store.configuration)
            _ = try users.create(name: "Typo", id: typo)
            #expect(try area.attribution.claim(.namedUser(typo), for: typo).applied == 1)
            let document = try #require(try area.store.ingestor.store.read(typo))
            #expect(try Published(document).integer("totals", "totalInputTokens") == 40)
        }
    }

    @Test("user creation: emails are unique in any case, names unless allowed, ids once")
    func uniqueUsers() throws {
        try withTemporaryDirectory { root in
            let users = UserStore(directory: DataDirectory(root), configuration: StoreConfiguration(durable: false))
            let first = try users.create(name: "Ann", email: "ann@example.com")
            let annID = try UserID(validating: first.id)
            #expect(throws: UserCreationError.emailTaken("ANN@example.com", by: annID)) {
                try users.create(name: "Other", email: "ANN@example.com")
            }
            #expect(throws: UserCreationError.nameTaken("Ann", by: annID)) { try users.create(name: "Ann") }
            #expect(try users.create(name: "Ann", allowDuplicateName: true).name == "Ann")
            #expect(throws: UserCreationError.idTaken(annID)) { try users.create(name: "X", id: annID) }
            #expect(try users.list().count == 2)
        }
    }

    @Test("an append cut short by a crash is never read, and the next append cuts it off")
    func tornAppend() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
            try area.receive(Installation.tokens(Installation.a, 1, sequence: 1))
            let handle = try #require(FileHandle(forWritingAtPath: area.store.directory.parkedLogPath(a)))
            handle.seekToEndOfFile()
            handle.write(Data("PRK1 99 5000 00".utf8))
            try handle.close()
            try area.receive(Installation.tokens(Installation.a, 2, sequence: 2))
            #expect(try area.attribution.preview(a).requests == 2)
            let verifier = DataDirectoryVerifier(directory: area.store.directory, configuration: area.store.configuration)
            #expect(verifier.verify().problems == [])
            _ = try area.attribution.claim(a, for: area.user)
            #expect(try area.inputTokens() == 3)
        }
    }

    @Test("verify: a clean parked area, then a damaged record and a binding to a removed user")
    func verify() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let a = try Self.source(Installation.a)
            try area.receive(Installation.tokens(Installation.a, 1, sequence: 1))
            _ = try area.attribution.claim(try Self.source(Installation.b), for: area.user)
            let verifier = DataDirectoryVerifier(directory: area.store.directory, configuration: area.store.configuration)
            #expect(verifier.verify().problems == [])

            let log = area.store.directory.parkedLogPath(a)
            var bytes = try #require(FileManager.default.contents(atPath: log))
            bytes[bytes.count - 3] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: log))
            try UserStore(directory: area.store.directory, configuration: area.store.configuration).remove(area.user)
            let problems = verifier.verify().problems
            #expect(problems.map(\.path) == [area.store.directory.bindingPath(try Self.source(Installation.b)), log])
            #expect(problems.first?.reason == "bound to user \(area.user), which does not exist; its requests are parked")
            #expect(problems.last?.reason.hasSuffix("record 0 at offset 0 fails its checksum") == true)
        }
    }
}

@Suite("Parked data of an earlier version")
struct LegacyParkedAreaTests {
    @Test("a version-1 parked area (one file per request) is converted once and claimed into exact totals")
    func convertsVersionOne() throws {
        try withTemporaryDirectory { root in
            let area = try AttributionStore(root: root)
            let directory = area.store.directory
            let folder = directory.parkedDirectory + "/" + Installation.a
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (sequence, input) in [(3, 10.0), (4, 20.0)] {
                let body = try Installation.tokens(Installation.a, input, sequence: UInt64(sequence)).serializedBytes() as [UInt8]
                let request = ParkedRequest(
                    signal: .metrics, format: .protobuf, encoding: .identity, receivedAt: fixedNow, userAgent: "old", body: body)
                try Data(request.encoded).write(to: URL(fileURLWithPath: folder + "/0000000000000000000\(sequence).otlp"))
            }
            let legacy = """
                {"installations":{"\(Installation.a)":{"bytes":1,"email":null,"facts":{},"firstSeen":"2026-11-01T00:00:00Z",\
                "firstSequence":3,"installation":"\(Installation.a)","lastSeen":"2026-11-02T00:00:00Z","nextSequence":5,\
                "oldestReceivedNanoseconds":1,"requests":2}},"parkedEver":5,"version":1}
                """
            try Data(legacy.utf8).write(to: URL(fileURLWithPath: directory.parkedIndexPath))
            let parked = try area.attribution.unclaimed()
            #expect(parked.map(\.requests) == [2] && parked.first?.firstSeen == "2026-11-01T00:00:00Z")
            #expect(!FileManager.default.fileExists(atPath: folder))
            #expect(try area.attribution.summary().unattributedRequestsParked == 5)
            _ = try area.attribution.claim(try #require(ParkedSource(Installation.a)), for: area.user)
            #expect(try area.inputTokens() == 30)
            // A later request of the installation gets a sequence of its own.
            try area.attribution.unbind(try #require(ParkedSource(Installation.a)), from: area.user)
            try area.receive(Installation.tokens(Installation.a, 5, sequence: 9))
            _ = try area.attribution.claim(try #require(ParkedSource(Installation.a)), for: area.user)
            #expect(try area.inputTokens() == 35)
        }
    }
}
