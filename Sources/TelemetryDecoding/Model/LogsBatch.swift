/// An `ExportLogsServiceRequest`, reduced to what aggregation reads (trace context and
/// dropped-attribute counts are left out). Both decoders produce it.
package struct LogsBatch: Equatable, Sendable {
    package var resourceLogs: [ResourceLogs] = []
    package init(resourceLogs: [ResourceLogs] = []) { self.resourceLogs = resourceLogs }

    package struct ResourceLogs: Equatable, Sendable {
        package var resource = OTLPResource()
        package var scopeLogs: [ScopeLogs] = []
        package init(resource: OTLPResource = OTLPResource(), scopeLogs: [ScopeLogs] = []) {
            self.resource = resource
            self.scopeLogs = scopeLogs
        }
    }

    package struct ScopeLogs: Equatable, Sendable {
        package var scope = OTLPScope()
        package var logRecords: [Record] = []
        package init(scope: OTLPScope = OTLPScope(), logRecords: [Record] = []) {
            self.scope = scope
            self.logRecords = logRecords
        }
    }

    package struct Record: Equatable, Sendable {
        package var timeUnixNano: UInt64 = 0
        package var observedTimeUnixNano: UInt64 = 0
        package var severityNumber: Int32 = 0
        package var severityText = ""
        /// `.none` when the record has no body (or an empty one).
        package var body: OTLPValue = .none
        package var attributes: [OTLPAttribute] = []
        package var eventName = ""
        package init(
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
