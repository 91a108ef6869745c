import TelemetryDecoding
import TelemetryStore

/// OTLP/HTTP response bodies, in the request's encoding.
enum OTLPAnswers {
    /// 200 with an `Export{Metrics,Logs,Trace}ServiceResponse`, carrying `partialSuccess` when
    /// anything was rejected. Protobuf with nothing rejected is the empty message (0 bytes).
    static func success(_ signal: Signal, report: ApplyReport, format: PayloadFormat) -> HTTPResponse {
        let body: [UInt8]
        switch signal {
        case .metrics:
            body = ProtobufAnswerEncoding.exportResponse(
                rejectedField: "rejectedDataPoints",
                partialSuccess: report.errorMessage(unit: "data points").map { (Int64(report.rejected), $0) }, format: format)
        case .logs:
            body = ProtobufAnswerEncoding.exportResponse(
                rejectedField: "rejectedLogRecords",
                partialSuccess: report.errorMessage(unit: "log records").map { (Int64(report.rejected), $0) }, format: format)
        case .traces:
            body = TraceServiceResponse(rejectedSpans: report.rejected, errorMessage: report.errorMessage(unit: "spans"))
                .encoded(format)
        }
        return HTTPResponse(status: .ok, headers: [("Content-Type", format.mediaType)], body: body)
    }

    /// An error status with a `google.rpc.Status` body (JSON when the request's format is unknown).
    static func failure(_ answer: ErrorAnswer, format: PayloadFormat?, extraHeaders: [(String, String)] = []) -> HTTPResponse {
        let format = format ?? .json
        var headers = [("Content-Type", format.mediaType)]
        if let seconds = answer.retryAfterSeconds { headers.append(("Retry-After", String(seconds))) }
        headers += extraHeaders
        return HTTPResponse(
            status: answer.status, headers: headers,
            body: ProtobufAnswerEncoding.status(code: answer.rpcCode, message: answer.message, format: format))
    }
}
