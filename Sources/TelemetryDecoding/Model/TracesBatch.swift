/// An `ExportTraceServiceRequest`, reduced to what aggregation reads: per span its ids (for
/// replay detection), name, times, attributes and status code. Parent ids, kinds, span events
/// and links are left out. Both hand-written decoders produce it.
public struct TracesBatch: Equatable, Sendable {
    public var resourceSpans: [ResourceSpans] = []
    public init(resourceSpans: [ResourceSpans] = []) { self.resourceSpans = resourceSpans }

    public struct ResourceSpans: Equatable, Sendable {
        public var resource = OTLPResource()
        public var scopeSpans: [ScopeSpans] = []
        public init(resource: OTLPResource = OTLPResource(), scopeSpans: [ScopeSpans] = []) {
            self.resource = resource
            self.scopeSpans = scopeSpans
        }
    }

    public struct ScopeSpans: Equatable, Sendable {
        public var scope = OTLPScope()
        public var spans: [Span] = []
        public init(scope: OTLPScope = OTLPScope(), spans: [Span] = []) {
            self.scope = scope
            self.spans = spans
        }
    }

    public struct Span: Equatable, Sendable {
        /// 16 bytes when set (JSON: 32 hex digits).
        public var traceId: [UInt8] = []
        /// 8 bytes when set (JSON: 16 hex digits).
        public var spanId: [UInt8] = []
        public var name = ""
        public var startTimeUnixNano: UInt64 = 0
        public var endTimeUnixNano: UInt64 = 0
        public var attributes: [OTLPAttribute] = []
        /// `Status.code`: 0 unset, 1 ok, 2 error.
        public var statusCode: Int32 = 0

        public init(
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
    public var spanCount: Int {
        resourceSpans.reduce(0) { total, resource in resource.scopeSpans.reduce(total) { $0 + $1.spans.count } }
    }
}
