/// Trace exports for ``ProtobufBatchDecoder``. Field numbers of opentelemetry-proto
/// `trace/v1/trace.proto`: `ResourceSpans` resource 1, scope_spans 2; `ScopeSpans` scope 1,
/// spans 2; `Span` trace_id 1, span_id 2, name 5, start/end_time_unix_nano 7/8 (fixed64),
/// attributes 9, status 15 (`Status` message 2, code 3). Every other field is skipped.
extension ProtobufBatchDecoder {
    func traces(_ bytes: [UInt8]) throws(Failure) -> TracesBatch {
        try withReader(bytes) { reader throws(Failure) in
            var batch = TracesBatch()
            while let field = try reader.nextField() {
                if field.number == 1 {
                    try reader.expect(field.wire, .lengthDelimited)
                    var sub = try reader.message()
                    batch.resourceSpans.append(try resourceSpans(&sub))
                } else {
                    try reader.skip(field.wire)
                }
            }
            return batch
        }
    }

    private func resourceSpans(_ reader: inout ProtobufReader) throws(Failure) -> TracesBatch.ResourceSpans {
        var result = TracesBatch.ResourceSpans()
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                try resource(&sub, into: &result.resource)
            case 2:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                result.scopeSpans.append(try scopeSpans(&sub))
            default:
                try reader.skip(field.wire)
            }
        }
        return result
    }

    private func scopeSpans(_ reader: inout ProtobufReader) throws(Failure) -> TracesBatch.ScopeSpans {
        var result = TracesBatch.ScopeSpans()
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                try scope(&sub, into: &result.scope)
            case 2:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                result.spans.append(try span(&sub))
            default:
                try reader.skip(field.wire)
            }
        }
        return result
    }

    private func span(_ reader: inout ProtobufReader) throws(Failure) -> TracesBatch.Span {
        var span = TracesBatch.Span()
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field.wire, .lengthDelimited)
                span.traceId = try reader.bytes()
            case 2:
                try reader.expect(field.wire, .lengthDelimited)
                span.spanId = try reader.bytes()
            case 5:
                try reader.expect(field.wire, .lengthDelimited)
                span.name = try reader.string()
            case 7:
                try reader.expect(field.wire, .fixed64)
                span.startTimeUnixNano = try reader.fixed64()
            case 8:
                try reader.expect(field.wire, .fixed64)
                span.endTimeUnixNano = try reader.fixed64()
            case 9:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                span.attributes.append(try keyValue(&sub, depth: 0))
            case 15:
                try reader.expect(field.wire, .lengthDelimited)
                var sub = try reader.message()
                while let inner = try sub.nextField() {
                    switch inner.number {
                    case 2:
                        try sub.expect(inner.wire, .lengthDelimited)
                        _ = try sub.string()
                    case 3:
                        try sub.expect(inner.wire, .varint)
                        span.statusCode = Int32(truncatingIfNeeded: try sub.varint())
                    default:
                        try sub.skip(inner.wire)
                    }
                }
            default:
                try reader.skip(field.wire)
            }
        }
        return span
    }
}
