extension AttributionSummary {
    /// The parked area's figures from its index alone, without converting an old layout or
    /// taking a lock: what the health documents, the team summary and the Prometheus route
    /// show on every request. All zero when nothing was ever parked.
    package static func read(_ directory: DataDirectory) throws(StorageError) -> AttributionSummary {
        let index = try ParkedIndex.read(directory)
        let unknown = index.installations.values.filter {
            if case .namedUser = $0.source { return true } else { return false }
        }
        return AttributionSummary(
            parkedInstallations: index.installations.count,
            parkedRequests: index.installations.values.reduce(0) { $0 + $1.requests },
            parkedBytes: index.totalBytes, unattributedRequestsParked: Int(index.parkedEver),
            boundInstallations: 0, unknownUserIds: unknown.count,
            unknownUserRequests: unknown.reduce(0) { $0 + $1.requests },
            unknownUserRequestsParked: Int(index.unknownUserParkedEver))
    }

    /// Where to look: the one command that lists and claims parked data.
    package static let unclaimedCommand = "claude-telemetry unclaimed"
}
