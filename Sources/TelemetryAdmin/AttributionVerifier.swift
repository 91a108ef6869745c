import TelemetryStore

/// `claude-telemetry verify` for the attribution area: the index of parked requests agrees with
/// the logs, every parked record passes its checksum and is readable, no temporary file is
/// left, and every binding is readable and names an existing user. Changes nothing; takes the attribution lock when it
/// exists, so a request being parked is not mistaken for a leftover.
struct AttributionVerifier {
    let directory: DataDirectory
    let configuration: StoreConfiguration

    func problems() -> [VerificationProblem] {
        guard FileSystem.isDirectory(directory.attributionDirectory) else { return [] }
        var lock: FileLock? = nil
        if FileSystem.exists(directory.attributionLockPath) {
            lock = try? FileLock(path: directory.attributionLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        }
        var found = parkedProblems() + bindingProblems()
        if lock == nil && FileSystem.exists(directory.attributionLockPath) {
            found = found.map {
                VerificationProblem(path: $0.path, reason: $0.reason + " (checked without the attribution lock)")
            }
        }
        _ = consume lock
        return found
    }

    private func parkedProblems() -> [VerificationProblem] {
        var found: [VerificationProblem] = []
        let index: ParkedIndex
        do {
            index = try ParkedIndex.read(directory)
        } catch {
            return [VerificationProblem(path: directory.parkedIndexPath, reason: "\(error)")]
        }
        let names = (try? FileSystem.contents(of: directory.parkedDirectory)) ?? []
        var logs: Set<String> = []
        for name in names.sorted() where name != "index.json" {
            let path = directory.parkedDirectory + "/" + name
            if name.hasSuffix(".tmp") {
                found.append(.init(path: path, reason: "temporary file left by an interrupted write; safe to delete"))
                continue
            }
            guard name.hasSuffix(".log"), let source = ParkedSource(name.dropLast(4)), source.rawValue + ".log" == name,
                !FileSystem.isDirectory(path)
            else {
                found.append(.init(path: path, reason: "unexpected entry in the parked area"))
                continue
            }
            logs.insert(source.rawValue)
            guard let entry = index.installations[source.rawValue] else {
                found.append(.init(path: path, reason: "parked log missing from index.json (an interrupted claim or discard)"))
                continue
            }
            do {
                let records = try ParkedLog.read(path, from: 0, upTo: entry.length)
                for record in records {
                    do {
                        _ = try ParkedRequest(decoding: record.payload)
                    } catch {
                        found.append(.init(path: path, reason: "corrupt parked request \(record.sequence): \(error.reason)"))
                    }
                }
                if records.count != entry.requests {
                    found.append(
                        .init(path: path, reason: "index.json says \(entry.requests) requests; found \(records.count)"))
                }
            } catch {
                found.append(.init(path: path, reason: "\(error)"))
            }
        }
        for name in index.installations.keys.sorted() where !logs.contains(name) {
            found.append(.init(path: directory.parkedDirectory + "/" + name + ".log", reason: "listed in index.json but missing"))
        }
        return found
    }

    private func bindingProblems() -> [VerificationProblem] {
        var found: [VerificationProblem] = []
        let users = UserStore(directory: directory, configuration: configuration)
        for name in ((try? FileSystem.contents(of: directory.bindingsDirectory)) ?? []).sorted() {
            let path = directory.bindingsDirectory + "/" + name
            guard let source = ParkedSource(name), source.rawValue == name else {
                found.append(
                    .init(
                        path: path,
                        reason: name.hasSuffix(".tmp")
                            ? "temporary file left by an interrupted write; safe to delete"
                            : "unexpected entry among the bindings"))
                continue
            }
            do {
                guard let binding = try InstallationBinding.read(directory, source) else { continue }
                if binding.installation != name {
                    found.append(
                        .init(path: path, reason: "names installation \(UserID.preview(binding.installation)), not its file name")
                    )
                } else if let user = try? UserID(validating: binding.user) {
                    if !users.exists(user) {
                        found.append(
                            .init(path: path, reason: "bound to user \(user), which does not exist; its requests are parked"))
                    }
                } else {
                    found.append(.init(path: path, reason: "the bound user id is not a UUID"))
                }
            } catch {
                found.append(.init(path: path, reason: "\(error)"))
            }
        }
        return found
    }
}
