// The committed fixtures (made by the real OpenTelemetry Python encoders), read and decoded.

package import Foundation
import OTLPProto
package import TelemetryDecoding
import TelemetryReference

package enum TestError: Error, CustomStringConvertible {
    case missing(String)
    case unexpected(String)

    package var description: String {
        switch self {
        case .missing(let what): "missing: \(what)"
        case .unexpected(let what): "unexpected: \(what)"
        }
    }
}

package enum Fixtures {
    package static var directory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw TestError.missing("Fixtures resource folder")
            }
            return url
        }
    }

    package static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try directory.appendingPathComponent(name)))
    }

    /// The format and encoding implied by a fixture's file name (`.pb`, `.json`, optional `.gz`).
    package static func kind(_ name: String) -> (PayloadFormat, ContentEncoding) {
        let encoding: ContentEncoding = name.hasSuffix(".gz") ? .gzip : .identity
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return (base.hasSuffix(".json") ? .json : .protobuf, encoding)
    }

    package static func metrics(_ name: String, decoder: OTLPDecoder = OTLPDecoder()) throws -> MetricsRequest {
        let (format, encoding) = kind(name)
        return try decoder.decodeMetrics(try bytes(name), format: format, encoding: encoding)
    }

    package static func logs(_ name: String, decoder: OTLPDecoder = OTLPDecoder()) throws -> LogsRequest {
        let (format, encoding) = kind(name)
        return try decoder.decodeLogs(try bytes(name), format: format, encoding: encoding)
    }

    /// A trace fixture decoded by the hand-written decoder.
    package static func traces(_ name: String) throws -> TracesBatch {
        let (format, encoding) = kind(name)
        return try OTLPDecoder().decodeTracesBatch(try bytes(name), format: format, encoding: encoding)
    }
}
