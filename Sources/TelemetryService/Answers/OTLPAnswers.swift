import OTLPProto
import SwiftProtobuf
import TelemetryCore

/// OTLP/HTTP response bodies, in the request's encoding.
enum OTLPAnswers {
    /// 200 with an `Export{Metrics,Logs,Trace}ServiceResponse`, carrying `partialSuccess` when
    /// anything was rejected. Protobuf with nothing rejected is the empty message (0 bytes).
    static func success(_ signal: Signal, report: ApplyReport, format: PayloadFormat) -> HTTPResponse {
        let body: [UInt8]
        switch signal {
        case .metrics:
            var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
            if let message = report.errorMessage(unit: "data points") {
                response.partialSuccess.rejectedDataPoints = Int64(report.rejected)
                response.partialSuccess.errorMessage = message
            }
            body = encode(response, format)
        case .logs:
            var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
            if let message = report.errorMessage(unit: "log records") {
                response.partialSuccess.rejectedLogRecords = Int64(report.rejected)
                response.partialSuccess.errorMessage = message
            }
            body = encode(response, format)
        case .traces:
            body = TraceServiceResponse(rejectedSpans: report.rejected, errorMessage: report.errorMessage(unit: "spans"))
                .encoded(format)
        }
        return HTTPResponse(status: .ok, headers: [("Content-Type", format.mediaType)], body: body)
    }

    /// An error status with a `google.rpc.Status` body (JSON when the request's format is unknown).
    static func failure(_ answer: ErrorAnswer, format: PayloadFormat?, extraHeaders: [(String, String)] = []) -> HTTPResponse {
        var status = Google_Rpc_Status()
        status.code = answer.rpcCode
        status.message = answer.message
        let format = format ?? .json
        var headers = [("Content-Type", format.mediaType)]
        if let seconds = answer.retryAfterSeconds { headers.append(("Retry-After", String(seconds))) }
        headers += extraHeaders
        return HTTPResponse(status: answer.status, headers: headers, body: encode(status, format))
    }

    static func encode(_ message: some SwiftProtobuf.Message, _ format: PayloadFormat) -> [UInt8] {
        // Encoding these small, fully-initialised messages cannot fail.
        switch format {
        case .protobuf: return try! message.serializedBytes()
        case .json: return try! message.jsonUTF8Bytes()
        }
    }
}
