package import TelemetryStore

/// The published figures of one tool (the keys of `tools.*` in `aggregate.json`), summable over
/// the users of a team.
package struct SummaryTool: Equatable, Sendable {
    package var calls: Int64 = 0
    package var failures: Int64 = 0
    package var accepts: Int64 = 0
    package var rejects: Int64 = 0
    /// nil when not kept (team answers never show it): saves a heap array per bucket.
    package var raw: Figures?

    package init() {}

    package init(_ view: ToolView, raw: Figures?) {
        calls = view.calls
        failures = view.failures
        accepts = view.accepts
        rejects = view.rejects
        self.raw = raw
    }

    package mutating func add(_ other: SummaryTool) {
        calls = saturatingSum(calls, other.calls)
        failures = saturatingSum(failures, other.failures)
        accepts = saturatingSum(accepts, other.accepts)
        rejects = saturatingSum(rejects, other.rejects)
        if let otherRaw = other.raw {
            var sum = raw ?? Figures()
            sum.add(otherRaw)
            raw = sum
        }
    }

    package func write(to w: inout JSONWriter, raw includeRaw: Bool) {
        w.beginObject()
        w.key("accepts"); w.integer(accepts)
        w.key("calls"); w.integer(calls)
        w.key("failures"); w.integer(failures)
        if includeRaw { w.key("raw"); (raw ?? Figures()).write(to: &w) }
        w.key("rejects"); w.integer(rejects)
        w.endObject()
    }
}
