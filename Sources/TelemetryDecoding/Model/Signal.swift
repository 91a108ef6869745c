/// The OTLP signals this receiver accepts.
package enum Signal: String, Sendable, Equatable, CaseIterable {
    case metrics
    case logs
    /// Claude Code's enhanced telemetry beta: spans, folded into latency figures.
    case traces
}
