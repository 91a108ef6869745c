/// A hand-written decoder from OTLP/JSON bytes straight into ``MetricsBatch`` and ``LogsBatch``:
/// no tree, no intermediate message objects, keys matched as bytes (``OTLPJSONFields``), only
/// the fields aggregation reads kept. Fields it does not keep are still read and checked, so it
/// accepts and refuses what swift-protobuf's JSON decoder does (`ignoreUnknownFields`, the same
/// `messageDepthLimit`), and gives the batch `MetricsBatch(_:)` / `LogsBatch(_:)` make of
/// swift-protobuf's messages. The value rules are ``JSONScanner``'s protobuf section; the
/// message rules follow swift-protobuf's generated code:
///
/// - `null` leaves a field at its default: a scalar 0, `""` or false, a message field unset (an
///   earlier value is dropped); a repeated field keeps what it has; a `null` oneof member sets
///   nothing. A `null` element of a repeated message field is refused.
/// - A key given twice: a scalar takes the last value, a repeated field appends, a message
///   field merges the second object into the first.
/// - A oneof (`AnyValue`'s value, `asDouble`/`asInt`, a metric's data) takes one member: a second
///   non-null member is refused, even the same one again.
/// - An enum is a number or a value name; an unknown name leaves the field as it was.
/// - Unknown keys are skipped whatever their value (``JSONScanner/skipProtobufValue(depth:limit:)``).
///
/// Divergence kept on purpose (stricter, never sent by an encoder): a non-empty `bytesValue`
/// with fewer than two base64 digits is refused (``JSONScanner/protobufBytes()``).
/// It is checked against swift-protobuf on every fixture, on edge cases and by fuzzing.
struct JSONBatchDecoder {
    /// Deepest object nesting accepted, counted as swift-protobuf counts it: the request object
    /// is 1, and every object below it counts, those inside skipped values included.
    let messageDepthLimit: Int

    package typealias Failure = JSONScanner.Failure
    private let fields = OTLPJSONFields.shared

    /// The refusal as a reason for ``PayloadError/malformed(format:signal:reason:)``: where and
    /// what, or "truncated JSON" when the body ends too early.
    package static func reason(_ failure: Failure, in body: [UInt8]) -> String {
        failure.offset >= body.count ? "truncated JSON" : failure.description
    }

    // MARK: Metrics

    func metrics(_ bytes: [UInt8]) throws(Failure) -> MetricsBatch {
        var scanner = JSONScanner(bytes)
        var batch = MetricsBatch()
        try scanner.beginMessage(depth: 1, limit: messageDepthLimit)
        while try scanner.nextField(in: fields.metricsRequest, depth: 1, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                batch.resourceMetrics.append(try resourceMetrics(&scanner, depth: 2))
            }
        }
        try scanner.end()
        return batch
    }

    // The envelope decoders (Resource/Scope × Metrics/Logs) are written out, as in
    // ProtobufBatchDecoder: no closures on the hot path.
    private func resourceMetrics(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.ResourceMetrics {
        var result = MetricsBatch.ResourceMetrics()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.resourceMetrics, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                if scanner.protobufNull() {
                    result.resource = OTLPResource()
                } else {
                    try resource(&scanner, into: &result.resource, depth: depth + 1)
                }
            case 2:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    result.scopeMetrics.append(try scopeMetrics(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func scopeMetrics(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.ScopeMetrics {
        var result = MetricsBatch.ScopeMetrics()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.scopeMetrics, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                if scanner.protobufNull() {
                    result.scope = OTLPScope()
                } else {
                    try scope(&scanner, into: &result.scope, depth: depth + 1)
                }
            case 2:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    result.metrics.append(try metric(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func metric(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.Metric {
        var result = MetricsBatch.Metric()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.metric, depth: depth, limit: messageDepthLimit) {
            if field == 1 {
                result.name = try scanner.stringField()
                continue
            }
            if field == 2 || field == 3 {  // description, unit
                try scanner.checkStringField()
                continue
            }
            // The `data` oneof.
            if scanner.protobufNull() { continue }
            let start = scanner.offset
            let data: MetricsBatch.DataKind
            switch field {
            case 5:
                data = .gauge(points: try pointCount(&scanner, summary: false, depth: depth + 1))
            case 7:
                data = .sum(try sum(&scanner, depth: depth + 1))
            case 9:
                data = .histogram(try histogram(&scanner, exponential: false, depth: depth + 1))
            case 10:
                data = .exponentialHistogram(try histogram(&scanner, exponential: true, depth: depth + 1))
            default:  // 11
                data = .summary(points: try pointCount(&scanner, summary: true, depth: depth + 1))
            }
            guard case .none = result.data else {
                throw Failure(
                    message: "a metric has more than one of gauge, sum, histogram, exponentialHistogram, summary",
                    offset: start)
            }
            result.data = data
        }
        return result
    }

    /// Gauges and summaries: their points are read and checked, and only counted.
    private func pointCount(_ scanner: inout JSONScanner, summary: Bool, depth: Int) throws(Failure) -> Int {
        var points = 0
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while try scanner.nextField(in: fields.dataPoints, depth: depth, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                if summary {
                    try summaryPoint(&scanner, depth: depth + 1)
                } else {
                    _ = try numberPoint(&scanner, depth: depth + 1)
                }
                points += 1
            }
        }
        return points
    }

    private func sum(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.Sum {
        var sum = MetricsBatch.Sum()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.sum, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    sum.dataPoints.append(try numberPoint(&scanner, depth: depth + 1))
                }
            case 2:
                try scanner.enumField(fields.aggregationTemporality, into: &sum.aggregationTemporality)
            default:  // 3 isMonotonic
                sum.isMonotonic = scanner.protobufNull() ? false : try scanner.protobufBool()
            }
        }
        return sum
    }

    private func numberPoint(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.NumberPoint {
        var point = MetricsBatch.NumberPoint()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.numberDataPoint, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 7:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    point.attributes.append(try keyValue(&scanner, depth: depth + 1))
                }
            case 2:
                point.startTimeUnixNano = try scanner.uint64Field()
            case 3:
                point.timeUnixNano = try scanner.uint64Field()
            case 4, 6:  // the `value` oneof
                if scanner.protobufNull() { continue }
                let start = scanner.offset
                let value: MetricsBatch.NumberPoint.Value =
                    field == 4 ? .double(try scanner.protobufDouble()) : .int(try scanner.protobufInt64())
                guard point.value == nil else {
                    throw Failure(message: "a data point has more than one of asDouble, asInt", offset: start)
                }
                point.value = value
            default:  // 8 flags
                point.flags = try scanner.uint32Field()
            }
        }
        return point
    }

    private func histogram(_ scanner: inout JSONScanner, exponential: Bool, depth: Int) throws(Failure) -> MetricsBatch.Histogram
    {
        var histogram = MetricsBatch.Histogram()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.histogram, depth: depth, limit: messageDepthLimit) {
            if field == 2 {
                try scanner.enumField(fields.aggregationTemporality, into: &histogram.aggregationTemporality)
                continue
            }
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                histogram.dataPoints.append(
                    exponential
                        ? try exponentialHistogramPoint(&scanner, depth: depth + 1)
                        : try histogramPoint(&scanner, depth: depth + 1))
            }
        }
        return histogram
    }

    private func histogramPoint(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> MetricsBatch.HistogramPoint {
        var point = MetricsBatch.HistogramPoint()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.histogramDataPoint, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 9:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    point.attributes.append(try keyValue(&scanner, depth: depth + 1))
                }
            case 2:
                point.startTimeUnixNano = try scanner.uint64Field()
            case 3:
                point.timeUnixNano = try scanner.uint64Field()
            case 4:
                point.count = try scanner.uint64Field()
            case 5:
                point.sum = scanner.protobufNull() ? nil : try scanner.protobufDouble()
            case 6:  // bucketCounts
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() { _ = try scanner.protobufUInt64() }
            case 7:  // explicitBounds
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() { _ = try scanner.protobufDouble() }
            case 10:
                point.flags = try scanner.uint32Field()
            default:  // 11 min, 12 max
                _ = try scanner.doubleField()
            }
        }
        return point
    }

    private func exponentialHistogramPoint(_ scanner: inout JSONScanner, depth: Int) throws(Failure)
        -> MetricsBatch.HistogramPoint
    {
        var point = MetricsBatch.HistogramPoint()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.exponentialHistogramDataPoint, depth: depth, limit: messageDepthLimit)
        {
            switch field {
            case 1:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    point.attributes.append(try keyValue(&scanner, depth: depth + 1))
                }
            case 2:
                point.startTimeUnixNano = try scanner.uint64Field()
            case 3:
                point.timeUnixNano = try scanner.uint64Field()
            case 4:
                point.count = try scanner.uint64Field()
            case 5:
                point.sum = scanner.protobufNull() ? nil : try scanner.protobufDouble()
            case 6:  // scale
                _ = try scanner.int32Field()
            case 7:  // zeroCount
                _ = try scanner.uint64Field()
            case 8, 9:  // positive, negative
                if !scanner.protobufNull() { try buckets(&scanner, depth: depth + 1) }
            case 10:
                point.flags = try scanner.uint32Field()
            default:  // 12 min, 13 max, 14 zeroThreshold
                _ = try scanner.doubleField()
            }
        }
        return point
    }

    /// `ExponentialHistogramDataPoint.Buckets`, checked only.
    private func buckets(_ scanner: inout JSONScanner, depth: Int) throws(Failure) {
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.buckets, depth: depth, limit: messageDepthLimit) {
            if field == 1 {
                _ = try scanner.int32Field()
                continue
            }
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() { _ = try scanner.protobufUInt64() }
        }
    }

    /// `SummaryDataPoint`, checked only.
    private func summaryPoint(_ scanner: inout JSONScanner, depth: Int) throws(Failure) {
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.summaryDataPoint, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 7:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() { _ = try keyValue(&scanner, depth: depth + 1) }
            case 2, 3, 4:
                _ = try scanner.uint64Field()
            case 5:
                _ = try scanner.doubleField()
            case 6:  // quantileValues
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    try scanner.beginMessage(depth: depth + 1, limit: messageDepthLimit)
                    while try scanner.nextField(in: fields.valueAtQuantile, depth: depth + 1, limit: messageDepthLimit) != nil {
                        _ = try scanner.doubleField()
                    }
                }
            default:  // 8 flags
                _ = try scanner.uint32Field()
            }
        }
    }

    // MARK: Logs

    func logs(_ bytes: [UInt8]) throws(Failure) -> LogsBatch {
        var scanner = JSONScanner(bytes)
        var batch = LogsBatch()
        try scanner.beginMessage(depth: 1, limit: messageDepthLimit)
        while try scanner.nextField(in: fields.logsRequest, depth: 1, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                batch.resourceLogs.append(try resourceLogs(&scanner, depth: 2))
            }
        }
        try scanner.end()
        return batch
    }

    private func resourceLogs(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> LogsBatch.ResourceLogs {
        var result = LogsBatch.ResourceLogs()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.resourceLogs, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                if scanner.protobufNull() {
                    result.resource = OTLPResource()
                } else {
                    try resource(&scanner, into: &result.resource, depth: depth + 1)
                }
            case 2:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    result.scopeLogs.append(try scopeLogs(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func scopeLogs(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> LogsBatch.ScopeLogs {
        var result = LogsBatch.ScopeLogs()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.scopeLogs, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                if scanner.protobufNull() {
                    result.scope = OTLPScope()
                } else {
                    try scope(&scanner, into: &result.scope, depth: depth + 1)
                }
            case 2:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    result.logRecords.append(try logRecord(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func logRecord(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> LogsBatch.Record {
        var record = LogsBatch.Record()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.logRecord, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                record.timeUnixNano = try scanner.uint64Field()
            case 11:
                record.observedTimeUnixNano = try scanner.uint64Field()
            case 2:
                record.severityNumber = try scanner.int32Field()
            case 3:
                record.severityText = try scanner.stringField()
            case 5:
                record.body = scanner.protobufNull() ? .none : try anyValue(&scanner, merging: record.body, depth: depth + 1)
            case 6:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    record.attributes.append(try keyValue(&scanner, depth: depth + 1))
                }
            case 7, 8:  // droppedAttributesCount, flags
                _ = try scanner.uint32Field()
            default:  // 12
                record.eventName = try scanner.stringField()
            }
        }
        return record
    }

    // MARK: Common (shared with the trace decoder, JSONBatchDecoder+Traces.swift)

    func resource(_ scanner: inout JSONScanner, into resource: inout OTLPResource, depth: Int) throws(Failure) {
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.resource, depth: depth, limit: messageDepthLimit) {
            if field == 2 {  // droppedAttributesCount
                _ = try scanner.uint32Field()
                continue
            }
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                resource.attributes.append(try keyValue(&scanner, depth: depth + 1))
            }
        }
    }

    func scope(_ scanner: inout JSONScanner, into scope: inout OTLPScope, depth: Int) throws(Failure) {
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.scope, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                scope.name = try scanner.stringField()
            case 2:
                scope.version = try scanner.stringField()
            case 3:  // attributes: checked, not kept
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() { _ = try keyValue(&scanner, depth: depth + 1) }
            default:  // 4 droppedAttributesCount
                _ = try scanner.uint32Field()
            }
        }
    }

    func keyValue(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> OTLPAttribute {
        var attribute = OTLPAttribute(key: "", value: .none)
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.keyValue, depth: depth, limit: messageDepthLimit) {
            if field == 1 {
                attribute.key = try scanner.stringField()
            } else {
                attribute.value =
                    scanner.protobufNull()
                    ? .none : try anyValue(&scanner, merging: attribute.value, depth: depth + 1)
            }
        }
        return attribute
    }

    /// An `AnyValue`. A repeated key merges into `previous` like any message field; as its
    /// members form a oneof, that succeeds only when one of the two objects sets nothing.
    private func anyValue(_ scanner: inout JSONScanner, merging previous: OTLPValue, depth: Int) throws(Failure) -> OTLPValue {
        var value = previous
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: fields.anyValue, depth: depth, limit: messageDepthLimit) {
            if scanner.protobufNull() { continue }
            let start = scanner.offset
            let member: OTLPValue
            switch field {
            case 1: member = .string(try scanner.protobufString())
            case 2: member = .bool(try scanner.protobufBool())
            case 3: member = .int(try scanner.protobufInt64())
            case 4: member = .double(try scanner.protobufDouble())
            case 5: member = .array(try arrayValue(&scanner, depth: depth + 1))
            case 6: member = .kvlist(try keyValueList(&scanner, depth: depth + 1))
            default: member = .bytes(try scanner.protobufBytes())
            }
            guard case .none = value else {
                throw Failure(message: "an AnyValue has more than one value", offset: start)
            }
            value = member
        }
        return value
    }

    private func arrayValue(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> [OTLPValue] {
        var elements: [OTLPValue] = []
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while try scanner.nextField(in: fields.values, depth: depth, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                elements.append(try anyValue(&scanner, merging: .none, depth: depth + 1))
            }
        }
        return elements
    }

    private func keyValueList(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> [OTLPAttribute] {
        var entries: [OTLPAttribute] = []
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while try scanner.nextField(in: fields.values, depth: depth, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                entries.append(try keyValue(&scanner, depth: depth + 1))
            }
        }
        return entries
    }
}

// Singular fields whose `null` means the default.
extension JSONScanner {
    /// `[` of a repeated field, or false for `null` (the field keeps its elements).
    mutating func beginRepeated() throws(Failure) -> Bool {
        if protobufNull() { return false }
        try beginArray()
        return true
    }

    mutating func stringField() throws(Failure) -> String { protobufNull() ? "" : try protobufString() }
    mutating func uint64Field() throws(Failure) -> UInt64 { protobufNull() ? 0 : try protobufUInt64() }
    mutating func uint32Field() throws(Failure) -> UInt32 { protobufNull() ? 0 : try protobufUInt32() }
    mutating func int32Field() throws(Failure) -> Int32 { protobufNull() ? 0 : try protobufInt32() }
    mutating func doubleField() throws(Failure) -> Double { protobufNull() ? 0 : try protobufDouble() }

    /// A string field that is checked (escapes, UTF-8) but not kept.
    mutating func checkStringField() throws(Failure) {
        if !protobufNull() { try checkString() }
    }

    /// An enum field into its raw value: `null` is 0, an unknown name changes nothing, a number
    /// is kept as the generated enum's raw value truncated to 32 bits.
    mutating func enumField(_ names: JSONFieldTable, into value: inout Int32) throws(Failure) {
        if protobufNull() {
            value = 0
        } else if let number = try protobufEnum(names) {
            value = Int32(truncatingIfNeeded: number)
        }
    }
}
