/// An `ExportLogsServiceRequest`, reduced to what aggregation reads (trace context and
/// dropped-attribute counts are left out). Both decoders produce it.
public struct LogsBatch: Equatable, Sendable {
    public var resourceLogs: [ResourceLogs] = []
    public init(resourceLogs: [ResourceLogs] = []) { self.resourceLogs = resourceLogs }

    public struct ResourceLogs: Equatable, Sendable {
        public var resource = OTLPResource()
        public var scopeLogs: [ScopeLogs] = []
        public init(resource: OTLPResource = OTLPResource(), scopeLogs: [ScopeLogs] = []) {
            self.resource = resource
            self.scopeLogs = scopeLogs
        }
    }

    public struct ScopeLogs: Equatable, Sendable {
        public var scope = OTLPScope()
        public var logRecords: [Record] = []
        public init(scope: OTLPScope = OTLPScope(), logRecords: [Record] = []) {
            self.scope = scope
            self.logRecords = logRecords
        }
    }

    public struct Record: Equatable, Sendable {
        public var timeUnixNano: UInt64 = 0
        public var observedTimeUnixNano: UInt64 = 0
        public var severityNumber: Int32 = 0
        public var severityText = ""
        /// `.none` when the record has no body (or an empty one).
        public var body: OTLPValue = .none
        public var attributes: [OTLPAttribute] = []
        public var eventName = ""
        public init(
            timeUnixNano: UInt64 = 0, observedTimeUnixNano: UInt64 = 0, severityNumber: Int32 = 0,
            severityText: String = "", body: OTLPValue = .none, attributes: [OTLPAttribute] = [],
            eventName: String = ""
        ) {
            self.timeUnixNano = timeUnixNano
            self.observedTimeUnixNano = observedTimeUnixNano
            self.severityNumber = severityNumber
            self.severityText = severityText
            self.body = body
            self.attributes = attributes
            self.eventName = eventName
        }
    }
}
