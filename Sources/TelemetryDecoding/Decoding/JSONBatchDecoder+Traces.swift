/// Trace exports for ``JSONBatchDecoder``, with its message rules. `traceId` and `spanId` are
/// hex strings in OTLP/JSON (not base64, as protobuf's JSON mapping would have bytes); any
/// other text there is refused.
extension JSONBatchDecoder {
    private var traceFields: OTLPTraceJSONFields { .shared }

    func traces(_ bytes: [UInt8]) throws(Failure) -> TracesBatch {
        var scanner = JSONScanner(bytes)
        var batch = TracesBatch()
        try scanner.beginMessage(depth: 1, limit: messageDepthLimit)
        while try scanner.nextField(in: traceFields.tracesRequest, depth: 1, limit: messageDepthLimit) != nil {
            guard try scanner.beginRepeated() else { continue }
            while try scanner.nextElement() {
                batch.resourceSpans.append(try resourceSpans(&scanner, depth: 2))
            }
        }
        try scanner.end()
        return batch
    }

    private func resourceSpans(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> TracesBatch.ResourceSpans {
        var result = TracesBatch.ResourceSpans()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: traceFields.resourceSpans, depth: depth, limit: messageDepthLimit) {
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
                    result.scopeSpans.append(try scopeSpans(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func scopeSpans(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> TracesBatch.ScopeSpans {
        var result = TracesBatch.ScopeSpans()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: traceFields.scopeSpans, depth: depth, limit: messageDepthLimit) {
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
                    result.spans.append(try span(&scanner, depth: depth + 1))
                }
            default:  // 3 schemaUrl
                try scanner.checkStringField()
            }
        }
        return result
    }

    private func span(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> TracesBatch.Span {
        var span = TracesBatch.Span()
        try scanner.beginMessage(depth: depth, limit: messageDepthLimit)
        while let field = try scanner.nextField(in: traceFields.span, depth: depth, limit: messageDepthLimit) {
            switch field {
            case 1:
                span.traceId = try hexIdentifier(&scanner, name: "traceId", bytes: 16)
            case 2:
                span.spanId = try hexIdentifier(&scanner, name: "spanId", bytes: 8)
            case 5:
                span.name = try scanner.stringField()
            case 7:
                span.startTimeUnixNano = try scanner.uint64Field()
            case 8:
                span.endTimeUnixNano = try scanner.uint64Field()
            case 9:
                guard try scanner.beginRepeated() else { continue }
                while try scanner.nextElement() {
                    span.attributes.append(try keyValue(&scanner, depth: depth + 1))
                }
            default:  // 15 status
                if scanner.protobufNull() {
                    span.statusCode = 0
                    continue
                }
                try scanner.beginMessage(depth: depth + 1, limit: messageDepthLimit)
                while let inner = try scanner.nextField(in: traceFields.status, depth: depth + 1, limit: messageDepthLimit) {
                    if inner == 2 {
                        try scanner.checkStringField()
                    } else {
                        try scanner.enumField(traceFields.statusCode, into: &span.statusCode)
                    }
                }
            }
        }
        return span
    }

    /// A trace or span id: an empty string (unset) or exactly `bytes` bytes as hex digits.
    private func hexIdentifier(_ scanner: inout JSONScanner, name: String, bytes: Int) throws(Failure) -> [UInt8] {
        let start = scanner.offset
        let text = try scanner.stringField()
        if text.isEmpty { return [] }
        guard let decoded = Self.hexBytes(text), decoded.count == bytes else {
            throw Failure(message: "\(name) must be \(bytes * 2) hexadecimal digits", offset: start)
        }
        return decoded
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
