import TelemetryTesting
import Testing

@testable import TelemetryDecoding

@Suite("Content-Type and Content-Encoding parsing")
struct PayloadHeadersTests {
    @Test(
        "Content-Type: the two OTLP media types, with parameters, case and spaces",
        arguments: [
            ("application/x-protobuf", PayloadFormat.protobuf),
            ("application/json", .json),
            ("application/json; charset=utf-8", .json),
            ("application/json;charset=UTF-8", .json),
            ("Application/JSON", .json),
            ("  application/json  ", .json),
            ("application/json;", .json),
            ("APPLICATION/X-PROTOBUF", .protobuf),
            ("application/x-protobuf; proto=opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest", .protobuf),
            ("application/protobuf", .protobuf),
            ("application/vnd.google.protobuf", .protobuf),
        ])
    func knownContentTypes(header: String, expected: PayloadFormat) {
        #expect(PayloadFormat(contentType: header) == expected)
    }

    @Test(
        "Content-Type: anything else is nil",
        arguments: [
            "", "text/plain", "application/grpc", "application/grpc+proto", "application/jsonx",
            "application/x-protobufx", "json", "application/xml", "multipart/form-data; boundary=x",
            "application / json", "application/x-www-form-urlencoded",
        ])
    func unknownContentTypes(header: String) {
        #expect(PayloadFormat(contentType: header) == nil)
    }

    @Test("Content-Type: missing is nil")
    func missingContentType() {
        #expect(PayloadFormat(contentType: nil) == nil)
    }

    @Test("answers use the request's media type")
    func mediaTypes() {
        #expect(PayloadFormat.protobuf.mediaType == "application/x-protobuf")
        #expect(PayloadFormat.json.mediaType == "application/json")
    }

    @Test(
        "Content-Encoding: supported codings",
        arguments: [
            ("gzip", ContentEncoding.gzip),
            ("GZIP", .gzip),
            (" gzip ", .gzip),
            ("x-gzip", .gzip),
            ("deflate", .deflate),
            ("Deflate", .deflate),
            ("identity", .identity),
            ("", .identity),
            ("\t", .identity),
        ])
    func knownEncodings(header: String, expected: ContentEncoding) {
        #expect(ContentEncoding(header: header) == expected)
    }

    @Test("Content-Encoding: absent means identity")
    func absentEncoding() {
        #expect(ContentEncoding(header: nil) == .identity)
    }

    @Test(
        "Content-Encoding: unsupported codings and chains are nil",
        arguments: [
            "br", "zstd", "compress", "gzip, deflate", "gzip,gzip", "identity, gzip", "gzip;q=1", "snappy",
        ])
    func unknownEncodings(header: String) {
        #expect(ContentEncoding(header: header) == nil)
    }
}
