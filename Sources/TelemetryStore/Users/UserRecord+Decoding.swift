import Foundation

extension UserRecord {
    /// Decodes `user.json` bytes read from `path`; anything else is reported as corrupt, so the
    /// operator is pointed at `claude-telemetry verify` (the same rule as ``UserStore/record(_:)``).
    package init(decoding bytes: [UInt8], path: String) throws(StorageError) {
        do {
            self = try JSONDecoder().decode(UserRecord.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, reason: "not a user record: \(error)")
        }
    }
}
