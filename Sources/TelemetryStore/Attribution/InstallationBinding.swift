import Foundation
import SystemCalls

/// `attribution/bindings/<installation>`: the user an installation's unaddressed requests
/// belong to. Written under the attribution lock, read without one (it is replaced atomically).
public struct InstallationBinding: Codable, Equatable, Sendable {
    public enum Origin: String, Codable, Sendable {
        /// `claude-telemetry user claim`.
        case claim
        /// The data's `user.email` equals the email the user was created with.
        case email
    }

    public var installation: String
    public var user: String
    public var boundAt: String
    public var origin: Origin

    package static func read(_ directory: DataDirectory, _ installation: InstallationID) throws(StorageError)
        -> InstallationBinding?
    {
        let path = directory.bindingPath(installation)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFile { return nil }
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
        // Checked by the caller: `installation` is the raw value of a validated id.
        try AtomicFile.replace(directory.bindingsDirectory + "/" + installation, with: bytes, durable: durable)
    }
}
