package import TelemetryDecoding

/// Folds an OTLP trace export into a user's aggregate: `claude_code.llm_request` spans into
/// per-model latency, `claude_code.tool` spans into per-tool durations. Other spans
/// (`claude_code.interaction`, `claude_code.tool.execution`, …) are accepted and ignored.
/// A span seen before (same trace and span id) counts once.
package struct TracesAggregator: Sendable {
    package var limits: AggregationLimits

    static let llmRequestSpan = "claude_code.llm_request"
    static let toolSpan = "claude_code.tool"

    package init(limits: AggregationLimits = AggregationLimits()) {
        self.limits = limits
    }

    package func apply(_ request: TracesBatch, to document: inout AggregateDocument, now: Timestamp) -> ApplyReport {
        var report = ApplyReport()
        for resourceSpans in request.resourceSpans {
            var resourceHash = StableHash()
            resourceHash.combine(Attributes(resourceSpans.resource.attributes).digest)
            for scopeSpans in resourceSpans.scopeSpans {
                var scopeHash = resourceHash
                scopeHash.combine(scopeSpans.scope.name)
                scopeHash.combine(scopeSpans.scope.version)
                for span in scopeSpans.spans {
                    apply(span, scope: scopeHash, to: &document, now: now, report: &report)
                }
            }
        }
        document.traces.recentSpans.prune(receivedBefore: now.seconds &- min(now.seconds, limits.replayWindowSeconds))
        document.received.traceRequests += 1
        document.received.spansApplied += report.applied
        document.received.spansRejected += report.rejected
        document.received.spansDuplicate += report.duplicates
        if report.changedDocument { document.updatedAt = now.iso8601 }
        return report
    }

    private func apply(
        _ span: TracesBatch.Span, scope: StableHash, to document: inout AggregateDocument,
        now: Timestamp, report: inout ApplyReport
    ) {
        guard span.name == Self.llmRequestSpan || span.name == Self.toolSpan else {
            report.ignored += 1
            return
        }
        let attributes = Attributes(span.attributes)
        let digest = Self.digest(span, attributes: attributes, scope: scope)
        if document.traces.recentSpans.contains(digest) {
            report.duplicates += 1
            return
        }
        do {
            let duration = try Self.durationMs(span, attributes)
            if span.name == Self.llmRequestSpan {
                let ttft = try Self.milliseconds("ttft_ms", attributes)
                let key = AggregateDocument.boundedKey(
                    attributes.string("model") ?? "unknown", in: document.traces.models,
                    limit: limits.models, nameBytes: limits.nameBytes)
                var latency = document.traces.models[key] ?? TraceFigures.RequestLatency()
                latency.durationMs.record(duration)
                if let ttft { latency.ttftMs.record(ttft) }
                if Self.failed(span, attributes) { latency.failures += 1 }
                document.traces.models[key] = latency
                document.updateLog.latency.insert(key)
            } else {
                let key = AggregateDocument.boundedKey(
                    attributes.string("tool_name", "tool") ?? "unknown", in: document.traces.tools,
                    limit: limits.tools, nameBytes: limits.nameBytes)
                document.traces.tools[key, default: DurationStats()].record(duration)
                document.updateLog.toolDurations.insert(key)
            }
        } catch {
            report.reject("\(span.name): \(error.message)")
            return
        }
        document.traces.recentSpans.insert(digest, at: now.seconds)
        report.applied += 1
    }

    /// `duration_ms`, or the span's own end minus start when the attribute is absent.
    static func durationMs(_ span: TracesBatch.Span, _ attributes: Attributes) throws(RejectReason) -> Double {
        if let duration = try milliseconds("duration_ms", attributes) { return duration }
        guard span.startTimeUnixNano != 0, span.endTimeUnixNano >= span.startTimeUnixNano else {
            throw RejectReason("no duration_ms attribute and no valid start and end time")
        }
        return Double(span.endTimeUnixNano - span.startTimeUnixNano) / 1_000_000
    }

    /// A duration attribute: absent is nil; present, it must be a number from 0 to 10¹⁵.
    static func milliseconds(_ key: String, _ attributes: Attributes) throws(RejectReason) -> Double? {
        guard let value = try attributes.number(key) else { return nil }
        guard value >= 0 else { throw RejectReason("attribute '\(key)' is negative") }
        guard value <= MetricsAggregator.largestPlausibleValue else {
            throw RejectReason("attribute '\(key)' is implausibly large")
        }
        return value
    }

    /// `success` = false; without a `success` attribute, a status of ERROR.
    static func failed(_ span: TracesBatch.Span, _ attributes: Attributes) -> Bool {
        if let success = attributes.bool("success") { return !success }
        return span.statusCode == 2
    }

    /// A span's identity: its trace and span ids, which the SDK makes unique. Without a span
    /// id, a digest of the whole span.
    static func digest(_ span: TracesBatch.Span, attributes: Attributes, scope: StableHash) -> UInt64 {
        var hash = StableHash()
        if !span.spanId.isEmpty {
            hash.combine("span")
            hash.combine(UInt64(span.traceId.count))
            hash.combine(span.traceId)
            hash.combine(span.spanId)
            return hash.value
        }
        hash = scope
        hash.combine(span.name)
        hash.combine(span.startTimeUnixNano)
        hash.combine(span.endTimeUnixNano)
        hash.combine(attributes.digest)
        return hash.value
    }
}
