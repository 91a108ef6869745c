import SystemCalls

extension InstallationAttribution {
    /// Every source with parked data, oldest first seen first.
    package func unclaimed() throws(StorageError) -> [ParkedInstallation] {
        try convertLegacyParkedArea()
        return try ParkedIndex.read(directory).installations.values.sorted {
            ($0.firstSeen, $0.installation) < ($1.firstSeen, $1.installation)
        }
    }

    /// Every binding, by source.
    package func bindings() throws(StorageError) -> [InstallationBinding] {
        var result: [InstallationBinding] = []
        for name in try bindingNames() {
            guard let source = ParkedSource(name), source.rawValue == name,
                let binding = try InstallationBinding.read(directory, source)
            else { continue }
            result.append(binding)
        }
        return result
    }

    /// The bindings to `user`.
    package func bindings(of user: UserID) throws(StorageError) -> [InstallationBinding] {
        try bindings().filter { $0.user == user.rawValue }
    }

    /// Drops every binding to `user` (when the user is removed). Returns how many.
    @discardableResult
    package func removeBindings(of user: UserID) throws(StorageError) -> Int {
        guard FileSystem.isDirectory(directory.bindingsDirectory) else { return 0 }
        try prepare()
        var removed = 0
        for binding in try bindings(of: user) {
            guard let source = ParkedSource(binding.installation) else { continue }
            let stripe = try lockStripe(source)
            let path = directory.bindingPath(source)
            do {
                try FileSystem.removeFile(path)
            } catch {
                if error != .noSuchFileOrDirectory { throw error.storage("remove", path) }
            }
            _ = consume stripe
            removed += 1
        }
        if removed > 0 && configuration.durable { try? FileSystem.syncDirectory(directory.bindingsDirectory) }
        return removed
    }

    /// Parked-area figures for `claude-telemetry stats`, `user list`, `verify` and `show`.
    package func summary() throws(StorageError) -> AttributionSummary {
        try convertLegacyParkedArea()
        var summary = try AttributionSummary.read(directory)
        summary.boundInstallations = try bindingNames().count
        return summary
    }

    private func bindingNames() throws(StorageError) -> [String] {
        do {
            return try FileSystem.contents(of: directory.bindingsDirectory).filter { !$0.hasSuffix(".tmp") }.sorted()
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            throw error.storage("list", directory.bindingsDirectory)
        }
    }
}
