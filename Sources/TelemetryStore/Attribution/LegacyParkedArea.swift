import Foundation
import SystemCalls

/// Data directories written before parked requests went into one log per installation hold a
/// version-1 index and one file per request (`parked/<installation>/<sequence>.otlp`, whose
/// content is exactly a log record's payload). They are converted once, under the index lock,
/// the first time the parked area is used, so an upgrade loses nothing parked.
///
/// The converted records take the sequences just below the old `parkedEver` (which counted
/// every request ever parked, so at least as many as are left): unique among themselves and
/// below every later one, and no user's document marks any of them yet.
extension InstallationAttribution {
    private struct Version: Decodable { let version: Int }

    private struct LegacyIndex: Decodable {
        struct Entry: Decodable {
            var installation: String
            var firstSeen: String
            var lastSeen: String
            var email: String?
            var facts: MachineFacts
        }
        var installations: [String: Entry]
        var parkedEver: Int
    }

    func convertLegacyParkedArea() throws(StorageError) {
        guard isLegacy() else { return }
        let lock = try lockIndex()
        defer { _ = lock.path }
        guard isLegacy() else { return }  // converted while this waited for the lock
        let path = directory.parkedIndexPath
        let legacy: LegacyIndex
        do {
            legacy = try JSONDecoder().decode(LegacyIndex.self, from: Data(try FileSystem.readFile(path)))
        } catch {
            throw .corrupt(path: path, reason: "not a version-1 parked-data index: \(error)")
        }
        var folders: [(String, [(String, [UInt8])])] = []
        var count = 0
        for key in legacy.installations.keys.sorted() {
            guard let source = ParkedSource(key), case .installation = source else { continue }
            let folder = directory.parkedDirectory + "/" + key
            let names = ((try? FileSystem.contents(of: folder)) ?? []).filter { $0.hasSuffix(".otlp") }.sorted()
            var files: [(String, [UInt8])] = []
            for name in names {
                do {
                    files.append((folder + "/" + name, try FileSystem.readFile(folder + "/" + name)))
                } catch {
                    throw error.storage("read", folder + "/" + name)
                }
            }
            count += files.count
            folders.append((key, files))
        }
        var index = ParkedIndex()
        index.parkedEver = UInt64(max(legacy.parkedEver, count))
        var sequence = index.parkedEver - UInt64(count)
        for (key, files) in folders where !files.isEmpty {
            guard let source = ParkedSource(key), let old = legacy.installations[key] else { continue }
            var log: [UInt8] = []
            var oldest = UInt64.max
            for (filePath, payload) in files {
                do {
                    oldest = min(oldest, try ParkedRequest(decoding: payload).receivedAt.nanoseconds)
                } catch {
                    throw .corrupt(path: filePath, reason: error.reason)
                }
                log += ParkedLog.frame(sequence: sequence, payload: payload)
                sequence += 1
            }
            let logPath = directory.parkedLogPath(source)
            try AtomicFile.replace(logPath, with: log, durable: configuration.durable)
            index.installations[key] = ParkedInstallation(
                installation: key, firstSeen: old.firstSeen, lastSeen: old.lastSeen, requests: files.count,
                bytes: ParkedLog.allocatedBytes(logPath), email: old.email, facts: old.facts, length: log.count,
                oldestReceivedNanoseconds: oldest, generation: index.parkedEver, address: Self.addressKey(nil))
        }
        try index.write(directory, durable: configuration.durable)
        // The new index is in place: the old files are only copies now.
        for (key, files) in folders {
            for (filePath, _) in files { _ = try? FileSystem.removeFile(filePath) }
            _ = try? FileSystem.removeDirectory(directory.parkedDirectory + "/" + key)
        }
    }

    private func isLegacy() -> Bool {
        guard let bytes = try? FileSystem.readFile(directory.parkedIndexPath),
            let found = try? JSONDecoder().decode(Version.self, from: Data(bytes))
        else { return false }
        return found.version == 1
    }
}
