import Foundation
import SystemCalls

/// `attribution/bindings/<source>`: the user a source's requests belong to. Made, moved and
/// removed only by operator commands (`user claim`, `user claim --move`, `user unbind`), or
/// by a `user.email` match when the operator chose `--trust-client-email`. Written under the
/// source's stripe lock, read without one (it is replaced atomically).
package struct InstallationBinding: Codable, Equatable, Sendable {
    package enum Origin: String, Codable, Sendable {
        /// `claude-telemetry user claim`.
        case claim
        /// `--trust-client-email`: the data's `user.email` equals the email the user was created with.
        case email
    }

    /// The source's raw value (installation id or unknown user id).
    package var installation: String
    package var user: String
    package var boundAt: String
    package var origin: Origin

    package static func read(_ directory: DataDirectory, _ source: ParkedSource) throws(StorageError)
        -> InstallationBinding?
    {
        let path = directory.bindingPath(source)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw error.storage("read", path)
        }
        do {
            return try JSONDecoder().decode(InstallationBinding.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, reason: "not an installation binding: \(error)")
        }
    }

    func write(_ directory: DataDirectory, durable: Bool) throws(StorageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
        // Checked by the caller: `installation` is the raw value of a validated source.
        try AtomicFile.replace(directory.bindingsDirectory + "/" + installation, with: bytes, durable: durable)
    }
}
