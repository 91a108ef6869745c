/// An `ExportTraceServiceRequest`, reduced to what aggregation reads: per span its ids (for
/// replay detection), name, times, attributes and status code. Parent ids, kinds, span events
/// and links are left out. Both hand-written decoders produce it.
package struct TracesBatch: Equatable, Sendable {
    package var resourceSpans: [ResourceSpans] = []
    package init(resourceSpans: [ResourceSpans] = []) { self.resourceSpans = resourceSpans }

    package struct ResourceSpans: Equatable, Sendable {
        package var resource = OTLPResource()
        package var scopeSpans: [ScopeSpans] = []
        package init(resource: OTLPResource = OTLPResource(), scopeSpans: [ScopeSpans] = []) {
            self.resource = resource
            self.scopeSpans = scopeSpans
        }
    }

    package struct ScopeSpans: Equatable, Sendable {
        package var scope = OTLPScope()
        package var spans: [Span] = []
        package init(scope: OTLPScope = OTLPScope(), spans: [Span] = []) {
            self.scope = scope
            self.spans = spans
        }
    }

    package struct Span: Equatable, Sendable {
        /// 16 bytes when set (JSON: 32 hex digits).
        package var traceId: [UInt8] = []
        /// 8 bytes when set (JSON: 16 hex digits).
        package var spanId: [UInt8] = []
        package var name = ""
        package var startTimeUnixNano: UInt64 = 0
        package var endTimeUnixNano: UInt64 = 0
        package var attributes: [OTLPAttribute] = []
        /// `Status.code`: 0 unset, 1 ok, 2 error.
        package var statusCode: Int32 = 0

        package init(
            traceId: [UInt8] = [], spanId: [UInt8] = [], name: String = "", startTimeUnixNano: UInt64 = 0,
            endTimeUnixNano: UInt64 = 0, attributes: [OTLPAttribute] = [], statusCode: Int32 = 0
        ) {
            self.traceId = traceId
            self.spanId = spanId
            self.name = name
            self.startTimeUnixNano = startTimeUnixNano
            self.endTimeUnixNano = endTimeUnixNano
            self.attributes = attributes
            self.statusCode = statusCode
        }
    }

    /// Spans in the whole request.
    package var spanCount: Int {
        resourceSpans.reduce(0) { total, resource in resource.scopeSpans.reduce(total) { $0 + $1.spans.count } }
    }
}
