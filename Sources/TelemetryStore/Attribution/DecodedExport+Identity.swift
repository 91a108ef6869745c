import TelemetryDecoding

extension DecodedExport {
    /// The installation and session the request names, for attribution.
    package func identity() throws(AttributionError) -> ExportIdentity {
        switch self {
        case .metrics(let batch): try ExportIdentity(batch)
        case .logs(let batch): try ExportIdentity(batch)
        case .traces(let batch): try ExportIdentity(batch)
        }
    }
}
