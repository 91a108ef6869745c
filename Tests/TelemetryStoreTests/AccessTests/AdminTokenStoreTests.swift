import Crypto
import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Admin read tokens")
struct AdminTokenStoreTests {
    func store(_ root: String) -> AdminTokenStore {
        AdminTokenStore(directory: DataDirectory(root), configuration: StoreConfiguration(durable: false))
    }

    @Test("add: a ctt_ token of 256 random bits, shown once; only its SHA-256 stored, file mode 0600")
    func add() throws {
        try withTemporaryDirectory { root in
            let tokens = store(root)
            let (token, record) = try tokens.add(name: "grafana", now: Timestamp(seconds: 1_795_514_400))
            #expect(token.hasPrefix("ctt_"))
            #expect(token.count == 4 + 43)
            #expect(token.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect((try? UserID(validating: token)) == nil)
            #expect(record.name == "grafana")
            #expect(record.createdAt == "2026-11-24T10:00:00.000Z")
            #expect(record.sha256 == Hexadecimal.string(SHA256.hash(data: Array(token.utf8))))

            let text = try String(contentsOfFile: tokens.path, encoding: .utf8)
            #expect(!text.contains(String(token.dropFirst(4))))
            #expect(text.contains(record.sha256))
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: tokens.path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            #expect(try tokens.list() == [record])

            let (other, _) = try tokens.add(name: "ci")
            #expect(other != token)
            #expect(try tokens.list().map(\.name) == ["ci", "grafana"])
        }
    }

    @Test("names: unique, non-empty, bounded, no control characters")
    func names() throws {
        try withTemporaryDirectory { root in
            let tokens = store(root)
            _ = try tokens.add(name: "grafana")
            #expect(throws: AdminTokenError.duplicateName("grafana")) { try tokens.add(name: "grafana") }
            #expect(throws: AdminTokenError.self) { try tokens.add(name: "") }
            #expect(throws: AdminTokenError.self) { try tokens.add(name: "a\nb") }
            #expect(throws: AdminTokenError.self) { try tokens.add(name: String(repeating: "x", count: 65)) }
            #expect(try tokens.list().count == 1)
        }
    }

    @Test("authorize: missing, wrong, a user id and revoked are refused; the right token passes")
    func authorize() throws {
        try withTemporaryDirectory { root in
            let tokens = store(root)
            #expect(throws: ReadAuthorizationError.missing) { try tokens.authorize(authorizationHeader: nil) }
            #expect(throws: ReadAuthorizationError.refused) { try tokens.authorize(authorizationHeader: "Bearer ctt_x") }
            let (token, record) = try tokens.add(name: "grafana")
            let (second, _) = try tokens.add(name: "ci")
            #expect(try tokens.authorize(authorizationHeader: "Bearer \(token)") == record)
            #expect(try tokens.authorize(authorizationHeader: "BEARER \(token)") == record)
            #expect(try tokens.authorize(authorizationHeader: "Bearer \(second)").name == "ci")
            for missing in ["", "Bearer", "Bearer   ", "Basic \(token)", token] {
                #expect(throws: ReadAuthorizationError.missing, "\(missing)") {
                    try tokens.authorize(authorizationHeader: missing)
                }
            }
            let user = UserID.random().rawValue
            for wrong in [String(token.dropLast()), token + "A", "ctt_" + String(repeating: "A", count: 43), user] {
                #expect(throws: ReadAuthorizationError.refused, "\(wrong)") {
                    try tokens.authorize(authorizationHeader: "Bearer \(wrong)")
                }
            }
            try tokens.remove(name: "grafana")
            #expect(throws: ReadAuthorizationError.refused) { try tokens.authorize(authorizationHeader: "Bearer \(token)") }
            #expect(try tokens.authorize(authorizationHeader: "Bearer \(second)").name == "ci")
            #expect(throws: AdminTokenError.unknownName("grafana")) { try tokens.remove(name: "grafana") }
        }
    }

    @Test("a user id stored as a hash is still never accepted")
    func uuidNeverAccepted() throws {
        try withTemporaryDirectory { root in
            let tokens = store(root)
            let user = UserID.random().rawValue
            let record = AdminTokenRecord(
                name: "forged", sha256: Hexadecimal.string(AdminTokenStore.digest(of: user)), createdAt: "x")
            let data = try JSONEncoder().encode(["tokens": [record]])
            try data.write(to: URL(fileURLWithPath: tokens.path))
            #expect(throws: ReadAuthorizationError.refused) { try tokens.authorize(authorizationHeader: "Bearer \(user)") }
        }
    }

    @Test("hash comparison: equal only for the exact digest; malformed stored hashes never match")
    func comparison() {
        let digest = AdminTokenStore.digest(of: "ctt_abc")
        let hex = Hexadecimal.string(digest)
        #expect(AdminTokenStore.constantTimeEqual(hex: hex, digest: digest))
        var flipped = digest
        flipped[31] ^= 1
        #expect(!AdminTokenStore.constantTimeEqual(hex: hex, digest: flipped))
        flipped = digest
        flipped[0] ^= 0x80
        #expect(!AdminTokenStore.constantTimeEqual(hex: hex, digest: flipped))
        #expect(!AdminTokenStore.constantTimeEqual(hex: hex.uppercased(), digest: digest))
        #expect(!AdminTokenStore.constantTimeEqual(hex: String(hex.dropLast()), digest: digest))
        #expect(!AdminTokenStore.constantTimeEqual(hex: String(hex.dropLast()) + "g", digest: digest))
        #expect(!AdminTokenStore.constantTimeEqual(hex: "", digest: digest))
    }

    @Test("a corrupt tokens.json is reported, not treated as no tokens")
    func corrupt() throws {
        try withTemporaryDirectory { root in
            let tokens = store(root)
            try Data("{".utf8).write(to: URL(fileURLWithPath: tokens.path))
            #expect(throws: StorageError.self) { try tokens.list() }
            let error = #expect(throws: ReadAuthorizationError.self) {
                try tokens.authorize(authorizationHeader: "Bearer ctt_x")
            }
            if case .unavailable(let storage)? = error, case .corrupt(let path, _) = storage {
                #expect(path == tokens.path)
            } else {
                Issue.record("expected .unavailable(.corrupt), got \(String(describing: error))")
            }
        }
    }
}
