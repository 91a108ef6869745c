package import TelemetryDecoding

/// Who sent an export with no user in its URL or headers, as far as the data itself says:
/// Claude Code's `user.id` (the installation) and `user.email` on every point and record, and
/// the resource facts that let a person recognise their machine in `claude-telemetry unclaimed`.
package struct ExportIdentity: Equatable, Sendable {
    /// The one installation id the points carry; nil when none carries a valid one.
    package var installation: InstallationID?
    /// The first non-empty `user.email` (OAuth users only).
    package var email: String?
    package var facts = MachineFacts()

    package init(installation: InstallationID? = nil, email: String? = nil, facts: MachineFacts = MachineFacts()) {
        self.installation = installation
        self.email = email
        self.facts = facts
    }

    /// Reads the identity of a metrics export. Throws when points name several installations.
    package init(_ batch: MetricsBatch) throws(AttributionError) {
        var reader = IdentityReader()
        for resource in batch.resourceMetrics {
            reader.resource(resource.resource.attributes)
            for scope in resource.scopeMetrics {
                for metric in scope.metrics {
                    switch metric.data {
                    case .sum(let sum): for point in sum.dataPoints { try reader.point(point.attributes) }
                    case .histogram(let histogram), .exponentialHistogram(let histogram):
                        for point in histogram.dataPoints { try reader.point(point.attributes) }
                    case .none, .gauge, .summary: break
                    }
                }
            }
        }
        self = reader.identity
    }

    /// Reads the identity of a logs export. Throws when records name several installations.
    package init(_ batch: LogsBatch) throws(AttributionError) {
        var reader = IdentityReader()
        for resource in batch.resourceLogs {
            reader.resource(resource.resource.attributes)
            for scope in resource.scopeLogs {
                for record in scope.logRecords { try reader.point(record.attributes) }
            }
        }
        self = reader.identity
    }

    /// Reads the identity of a trace export (Claude Code's spans carry the same standard
    /// attributes as its points and records). Throws when spans name several installations.
    package init(_ batch: TracesBatch) throws(AttributionError) {
        var reader = IdentityReader()
        for resource in batch.resourceSpans {
            reader.resource(resource.resource.attributes)
            for scope in resource.scopeSpans {
                for span in scope.spans { try reader.point(span.attributes) }
            }
        }
        self = reader.identity
    }
}

/// What identifies a machine to its owner. Short, printable excerpts only (see ``clean``).
package struct MachineFacts: Codable, Equatable, Sendable {
    package var serviceVersion: String?
    package var osType: String?
    package var hostArch: String?
    package var terminalType: String?

    package init(serviceVersion: String? = nil, osType: String? = nil, hostArch: String? = nil, terminalType: String? = nil) {
        self.serviceVersion = serviceVersion
        self.osType = osType
        self.hostArch = hostArch
        self.terminalType = terminalType
    }

    /// Untrusted text made safe to store and print: printable ASCII, at most 64 characters.
    static func clean(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return UserID.preview(text.prefix(64))
    }
}

private struct IdentityReader {
    var identity = ExportIdentity()
    package var installations: Set<String> = []

    mutating func resource(_ attributes: [OTLPAttribute]) {
        let list = Attributes(attributes)
        if identity.facts.serviceVersion == nil {
            identity.facts.serviceVersion = MachineFacts.clean(list.string("service.version"))
        }
        if identity.facts.osType == nil { identity.facts.osType = MachineFacts.clean(list.string("os.type")) }
        if identity.facts.hostArch == nil { identity.facts.hostArch = MachineFacts.clean(list.string("host.arch")) }
    }

    mutating func point(_ attributes: [OTLPAttribute]) throws(AttributionError) {
        let list = Attributes(attributes)
        if let raw = list.string("user.id") {
            installations.insert(raw)
            guard installations.count == 1 else { throw .severalInstallations(installations.count) }
            identity.installation = InstallationID(raw)
        }
        if identity.email == nil, let email = list.string("user.email") {
            identity.email = String(email.prefix(254))
        }
        if identity.facts.terminalType == nil { identity.facts.terminalType = MachineFacts.clean(list.string("terminal.type")) }
    }
}
