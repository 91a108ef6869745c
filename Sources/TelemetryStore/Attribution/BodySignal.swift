package import TelemetryDecoding

/// Which OTLP export a body is, told from the body alone: Claude Code configured with the
/// seed's `…/claude?user=UUID` drops the query and posts metrics and logs alike to `…/claude`.
///
/// - JSON: the top-level key `resourceMetrics`, `resourceLogs` or `resourceSpans`.
/// - Protobuf: all three requests nest `field 1 → field 2 → field 2`; the innermost message then
///   differs. A `Metric` starts with field 1 = name (length-delimited) and holds its data in a
///   length-delimited field 5, 7, 9, 10 or 11; a `LogRecord` starts with field 1 = time (fixed64);
///   a `Span` has fixed64 start and end times in fields 7 and 8 (and field 1 = trace id, bytes).
package enum BodySignal: String, Sendable, Equatable, CaseIterable {
    case metrics
    case logs
    case traces

    /// The detected kind of a decompressed body; nil when it holds no data at all (an empty
    /// export request, which is a success whatever it was meant to be).
    package static func detect(_ plain: [UInt8], format: PayloadFormat) throws(BodySignalError) -> BodySignal? {
        switch format {
        case .json: return try detectJSON(plain)
        case .protobuf: return try detectProtobuf(plain)
        }
    }

    private static func detectJSON(_ bytes: [UInt8]) throws(BodySignalError) -> BodySignal? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        var scanner = JSONScanner(bytes)
        var found: BodySignal?
        do {
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                let signal: BodySignal?
                switch key {
                case "resourceMetrics", "resource_metrics": signal = .metrics
                case "resourceLogs", "resource_logs": signal = .logs
                case "resourceSpans", "resource_spans": signal = .traces
                default: signal = nil
                }
                if let signal {
                    if let found, found != signal { throw BodySignalError.ambiguous }
                    // An empty list (`"resourceLogs": []`) carries nothing.
                    if scanner.isNull() { continue }
                    var empty = true
                    try scanner.beginArray()
                    while try scanner.nextElement() {
                        empty = false
                        try scanner.skipValue()
                    }
                    if !empty { found = signal }
                } else {
                    try scanner.skipValue()
                }
            }
        } catch let failure as JSONScanner.Failure {
            throw .malformed(failure.description)
        } catch let error as BodySignalError {
            throw error
        } catch {
            throw .malformed(String(describing: error))
        }
        return found
    }

    private static func detectProtobuf(_ bytes: [UInt8]) throws(BodySignalError) -> BodySignal? {
        let result: Result<BodySignal?, BodySignalError> = bytes.withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            do {
                var found: BodySignal?
                while let field = try reader.nextField() {
                    guard field.number == 1, field.wire == .lengthDelimited else {
                        try reader.skip(field.wire)
                        continue
                    }
                    var resource = try reader.message()
                    guard let signal = try innermost(&resource) else { continue }
                    if let found, found != signal { return .failure(.ambiguous) }
                    found = signal
                }
                return .success(found)
            } catch {
                return .failure(.malformed((error as? ProtobufReader.Failure)?.reason ?? "malformed protobuf"))
            }
        }
        return try result.get()
    }

    /// `Resource{Metrics,Logs,Spans}` → field 2 (scope list) → field 2 (metric, record or span).
    private static func innermost(_ resource: inout ProtobufReader) throws(ProtobufReader.Failure) -> BodySignal? {
        while let field = try resource.nextField() {
            guard field.number == 2, field.wire == .lengthDelimited else {
                try resource.skip(field.wire)
                continue
            }
            var scope = try resource.message()
            while let inner = try scope.nextField() {
                guard inner.number == 2, inner.wire == .lengthDelimited else {
                    try scope.skip(inner.wire)
                    continue
                }
                var item = try scope.message()
                if let signal = try classify(&item) { return signal }
            }
        }
        return nil
    }

    /// Reads the whole message before deciding: a span's name (field 5) is length-delimited like
    /// a metric's gauge and a log record's body, but only a span has fixed64 times in fields 7
    /// and 8; only a log record has fixed64 times in 1 and 11, a varint severity in 2 and
    /// attributes in 6 (a `Metric` has no field 6).
    private static func classify(_ item: inout ProtobufReader) throws(ProtobufReader.Failure) -> BodySignal? {
        var span = false, record = false, metric = false
        while let field = try item.nextField() {
            switch (field.number, field.wire) {
            case (7, .fixed64), (8, .fixed64): span = true
            case (1, .fixed64), (11, .fixed64), (2, .varint), (6, .lengthDelimited): record = true
            case (1, .lengthDelimited), (2, .lengthDelimited), (3, .lengthDelimited), (5, .lengthDelimited),
                (7, .lengthDelimited), (9, .lengthDelimited), (10, .lengthDelimited), (11, .lengthDelimited):
                metric = true
            default: break
            }
            try item.skip(field.wire)
        }
        if span { return .traces }
        if record { return .logs }
        return metric ? .metrics : nil
    }
}

package enum BodySignalError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    /// The body mixes the shapes of two signals.
    case ambiguous

    package var description: String {
        switch self {
        case .malformed(let reason):
            return "body is not an OTLP export request: \(reason)"
        case .ambiguous:
            return "body mixes metrics, logs or spans; send each signal in its own request"
        }
    }
}
