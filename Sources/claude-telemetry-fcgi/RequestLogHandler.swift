import Logging
import TelemetryService

/// The responder's log handler: swift-log's stream handler, with an entry's metadata written as
/// the `key=value` fields of the request log, in their fixed order (``RequestSummary/render(_:)``).
/// The stream handler alone sorts the keys and quotes nothing, and operators' tools and alerts
/// read these lines.
struct RequestLogHandler: LogHandler {
    private var stream: StreamLogHandler

    init(label: String, level: Logger.Level) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = level
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { stream.metadata }
        set { stream.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { stream[metadataKey: key] }
        set { stream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard let fields = event.metadata, !fields.isEmpty else {
            stream.log(event: event)
            return
        }
        var event = event
        let message = "\(event.message)"
        event.message = "\(RequestSummary.render(fields))\(message.isEmpty ? "" : " " + message)"
        event.metadata = nil
        stream.log(event: event)
    }
}
