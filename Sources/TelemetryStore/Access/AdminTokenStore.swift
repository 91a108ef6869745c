import Crypto
import Foundation
import SystemCalls
import TelemetryDecoding

/// The admin read tokens that open team-wide read endpoints, kept in `<data-dir>/tokens.json`
/// (mode 0600). The admin tool adds and removes them; the responder checks requests against
/// the file as it is at that moment, so a removed token stops working at once.
///
/// A user's UUID is that user's credential, for writing and for reading their own summary;
/// it must never open everyone's data. Tokens therefore start with `ctt_`, which no UUID does,
/// and a bearer value that is a UUID is refused before any comparison.
package struct AdminTokenStore: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration

    /// Every token starts with this, so it can never be taken for a user id (or the reverse).
    package static let prefix = "ctt_"
    /// Random bytes per token: 256 bits.
    package static let randomBytes = 32
    /// Longest name, in UTF-8 bytes.
    package static let maxNameBytes = 64

    package init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration()) {
        self.directory = directory
        self.configuration = configuration
    }

    package var path: String { directory.root + "/tokens.json" }
    var lockPath: String { directory.root + "/.tokens.lock" }

    /// Creates a token named `name`. The token itself is returned once and never stored.
    package func add(name: String, now: Timestamp = .now()) throws -> (token: String, record: AdminTokenRecord) {
        try Self.validate(name: name)
        do {
            try FileSystem.makeDirectory(directory.root)
        } catch {
            throw error.storage("create directory", directory.root)
        }
        let lock = try FileLock(path: lockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var records = try list()
        if records.contains(where: { $0.name == name }) { throw AdminTokenError.duplicateName(name) }
        let token = Self.newToken()
        let record = AdminTokenRecord(name: name, sha256: Hexadecimal.string(Self.digest(of: token)), createdAt: now.iso8601)
        records.append(record)
        try write(records)
        _ = consume lock
        return (token, record)
    }

    /// Every token's record, sorted by name. No file means no tokens.
    package func list() throws(StorageError) -> [AdminTokenRecord] {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            throw error.storage("read", path)
        }
        let file: TokenFile
        do {
            file = try JSONDecoder().decode(TokenFile.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, reason: "not a token list: \(error)")
        }
        return file.tokens.sorted { $0.name < $1.name }
    }

    /// Revokes the token named `name`; throws ``AdminTokenError/unknownName(_:)`` when there is none.
    package func remove(name: String) throws {
        guard FileSystem.exists(path) else { throw AdminTokenError.unknownName(name) }
        let lock = try FileLock(path: lockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var records = try list()
        guard let index = records.firstIndex(where: { $0.name == name }) else { throw AdminTokenError.unknownName(name) }
        records.remove(at: index)
        try write(records)
        _ = consume lock
    }

    /// Checks an `Authorization` header value. Returns the matching token's record (its name
    /// may be logged; the token never is). Every stored hash is compared, each in full, so the
    /// time taken does not depend on where or whether a match is.
    @discardableResult
    package func authorize(authorizationHeader: String?) throws(ReadAuthorizationError) -> AdminTokenRecord {
        guard let header = authorizationHeader, let credentials = Self.bearerCredentials(header) else { throw .missing }
        if (try? UserID(validating: credentials)) != nil { throw .refused }
        let records: [AdminTokenRecord]
        do {
            records = try list()
        } catch {
            throw .unavailable(error)
        }
        let digest = Self.digest(of: credentials)
        var found: AdminTokenRecord?
        for record in records {
            if Self.constantTimeEqual(hex: record.sha256, digest: digest) { found = record }
        }
        guard let found else { throw .refused }
        return found
    }

    /// `error` for a value refused as a user id, unless the value is an admin read token:
    /// then a message without it, as error messages reach the request log.
    package static func redacted(_ value: String, _ error: UserIDError) -> UserIDError {
        value.hasPrefix(prefix) ? .malformed(prefix + "… (an admin read token, which is never a user id)") : error
    }

    // MARK: Helpers

    /// The credentials of a `Bearer` header (scheme case-insensitive), nil for anything else.
    static func bearerCredentials(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        var value = Substring(parts[1])
        while value.first == " " { value.removeFirst() }
        while value.last == " " { value.removeLast() }
        return value.isEmpty ? nil : String(value)
    }

    /// The SHA-256 of a token's UTF-8 bytes, the form `tokens.json` stores (as hex).
    static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// True when the 64-digit hex `hex` spells `digest`. Every byte is compared whatever the
    /// earlier ones were.
    static func constantTimeEqual(hex: String, digest: [UInt8]) -> Bool {
        let text = Array(hex.utf8)
        guard text.count == 64, digest.count == 32 else { return false }
        var difference: UInt8 = 0
        var invalid: UInt8 = 0
        for index in 0..<32 {
            let high = hexValue(text[2 * index]), low = hexValue(text[2 * index + 1])
            invalid |= (high | low) & 0xF0
            difference |= ((high << 4) | (low & 0x0F)) ^ digest[index]
        }
        return difference | invalid == 0
    }

    /// 0-15 for a lowercase hex digit, 0xFF otherwise.
    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: 0xFF
        }
    }

    /// `ctt_` + 32 random bytes in unpadded base64url (43 characters).
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var encoded: [UInt8] = []
        bytes.withUnsafeBufferPointer { Base64.encode($0, appendingTo: &encoded) }
        let urlSafe = encoded.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            case UInt8(ascii: "="): nil
            default: byte
            }
        }
        return prefix + String(decoding: urlSafe, as: UTF8.self)
    }

    static func validate(name: String) throws(AdminTokenError) {
        if name.isEmpty || name.allSatisfy({ $0 == " " }) { throw .invalidName("the name must not be empty") }
        if name.utf8.count > maxNameBytes { throw .invalidName("the name is longer than \(maxNameBytes) bytes") }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw .invalidName("the name must not contain control characters")
        }
    }

    private func write(_ records: [AdminTokenRecord]) throws(StorageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes =
            Array((try? encoder.encode(TokenFile(tokens: records.sorted { $0.name < $1.name }))) ?? Data())
            + [UInt8(ascii: "\n")]
        // A temporary file left by a crash keeps its old mode when reopened; start afresh so
        // the new file is created 0600.
        _ = try? FileSystem.removeFile(AtomicFile.temporaryPath(for: path))
        try AtomicFile.replace(path, with: bytes, durable: configuration.durable, permissions: 0o600)
    }

    private struct TokenFile: Codable {
        var tokens: [AdminTokenRecord]
    }
}
