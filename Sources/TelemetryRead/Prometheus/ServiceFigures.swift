package import TelemetryStore

/// What a scrape says about the service itself rather than its users: the parked area (from
/// its index) and every responder process's counters (from their files), each nil when it
/// could not be read, so the users' figures are still served.
package struct ServiceFigures: Sendable {
    package var parked: AttributionSummary?
    package var counters: ServiceCounterTotals?

    package init(parked: AttributionSummary?, counters: ServiceCounterTotals?) {
        self.parked = parked
        self.counters = counters
    }

    /// Both, read from `directory` now.
    package static func read(_ directory: DataDirectory) -> ServiceFigures {
        ServiceFigures(parked: try? AttributionSummary.read(directory), counters: ServiceCounterTotals.read(directory))
    }
}
