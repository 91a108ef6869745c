import Foundation

/// What a running service records about itself when it starts, so that the admin tool can find
/// it without being told: the data directory's `service.json` (its public URL, used by every
/// line and link `user add` / `user env` print), and a pointer to that data directory in a
/// well-known place (``pointerPaths``), used when neither `--data-dir` nor
/// `CLAUDE_TELEMETRY_DATA_DIR` is given.
package struct ServiceRecord: Codable, Sendable, Equatable {
    /// The origin clients reach the service at (`http://127.0.0.1:8280`); nil when not configured.
    package var publicURL: String?
    /// The data directory, absolute.
    package var dataDirectory: String
    package var version: String
    package var startedAt: String

    package init(publicURL: String?, dataDirectory: String, version: String = ServiceVersion.current, startedAt: String) {
        self.publicURL = publicURL
        self.dataDirectory = dataDirectory
        self.version = version
        self.startedAt = startedAt
    }

    /// `<data>/service.json`.
    package static func path(in directory: DataDirectory) -> String { directory.root + "/service.json" }

    /// Where a running service leaves a copy of its record, in the order the admin tool looks:
    /// the system-wide runtime directory (a service run as root), the user's own (one run by
    /// that user), and the systemd units' data directory.
    package static var pointerPaths: [String] {
        [
            "/run/claude-telemetry/service.json", "/tmp/claude-telemetry-\(getuid())/service.json",
            "/var/lib/claude-telemetry/service.json",
        ]
    }

    /// Writes the record into the data directory and, for a service with a public URL (one an
    /// operator deployed, not a test or a one-off responder), the pointer where this process
    /// may; returns what could not be written (for a log line), empty when all was.
    package func write() -> [String] {
        var problems: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return ["cannot encode the service record"] }
        let own = Self.path(in: DataDirectory(dataDirectory))
        do {
            try data.write(to: URL(fileURLWithPath: own), options: .atomic)
        } catch {
            problems.append("\(own): \(error.localizedDescription)")
        }
        for pointer in Self.pointerPaths.prefix(publicURL == nil ? 0 : 2) {
            let directory = (pointer as NSString).deletingLastPathComponent
            guard Self.ownedDirectory(directory) else { continue }
            if (try? data.write(to: URL(fileURLWithPath: pointer), options: .atomic)) != nil { break }
        }
        return problems
    }

    /// A directory this process owns and no one else may write (created 0755 if missing), so a
    /// pointer there cannot have been planted by another user; false when there is none.
    static func ownedDirectory(_ path: String) -> Bool {
        var status = stat()
        if lstat(path, &status) != 0 {
            guard errno == ENOENT, mkdir(path, 0o755) == 0 || errno == EEXIST else { return false }
            guard lstat(path, &status) == 0 else { return false }
        }
        return (status.st_mode & S_IFMT) == S_IFDIR && status.st_uid == getuid() && (status.st_mode & 0o022) == 0
    }

    /// Reads a record; nil when there is none or it is not one.
    package static func read(_ path: String) -> ServiceRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ServiceRecord.self, from: data)
    }

    /// The record a running service left in a well-known place, and where it was found: the
    /// first pointer in a directory owned by this user or root, naming a data directory that
    /// exists.
    package static func discover() -> (record: ServiceRecord, path: String)? {
        for pointer in pointerPaths {
            var status = stat()
            let directory = (pointer as NSString).deletingLastPathComponent
            guard lstat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR,
                status.st_uid == getuid() || status.st_uid == 0, (status.st_mode & 0o022) == 0,
                let record = read(pointer)
            else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: record.dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue {
                return (record, pointer)
            }
        }
        return nil
    }
}
