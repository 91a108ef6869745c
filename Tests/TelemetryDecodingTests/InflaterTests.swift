import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference

@Suite("Bounded decompression")
struct InflaterTests {
    /// Some bytes that compress well but not trivially.
    static let sample: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 * 31) ^ ($0 >> 7)) }

    @Test(
        "gzip, zlib and raw deflate round trips",
        arguments: [
            (CompressionFormat.gzip, ContentEncoding.gzip),
            (.zlib, .deflate),
            (.rawDeflate, .deflate),
        ])
    func roundTrip(format: CompressionFormat, encoding: ContentEncoding) throws {
        for level: Int32 in [0, 1, 6, 9] {
            let compressed = try compress(Self.sample, format, level: level)
            #expect(compressed != Self.sample)
            let inflated = try Inflater.inflate(compressed, encoding: encoding, limit: 1 << 20)
            #expect(inflated == Self.sample)
        }
        // A tiny input too.
        let small = Array("{}".utf8)
        #expect(try Inflater.inflate(try compress(small, format), encoding: encoding, limit: 100) == small)
    }

    @Test("identity passes bytes through unchanged")
    func identity() throws {
        #expect(try Inflater.inflate(Self.sample, encoding: .identity, limit: 10) == Self.sample)
    }

    @Test(
        "the committed .gz fixtures inflate to their plain files",
        arguments: [
            "metrics-delta.pb", "metrics-delta.json", "logs.pb", "logs.json",
        ])
    func fixtures(file: String) throws {
        let plain = try Fixtures.bytes(file)
        let inflated = try OTLPDecoder().inflate(try Fixtures.bytes(file + ".gz"), encoding: .gzip)
        #expect(inflated == plain)
    }

    @Test("a body of exactly the limit inflates; one byte more does not")
    func exactLimit() throws {
        let body = [UInt8](repeating: 7, count: 100_000)
        let compressed = try compress(body, .gzip)
        #expect(try Inflater.inflate(compressed, encoding: .gzip, limit: 100_000) == body)
        #expect(throws: PayloadError.tooLarge(limit: 99_999, decompressed: true)) {
            try Inflater.inflate(compressed, encoding: .gzip, limit: 99_999)
        }
    }

    @Test("a gzip bomb stops at the limit", arguments: [CompressionFormat.gzip, .zlib, .rawDeflate])
    func bomb(format: CompressionFormat) throws {
        let zeros = [UInt8](repeating: 0, count: 50 * 1024 * 1024)
        let bomb = try compress(zeros, format)
        #expect(bomb.count < 100_000)
        let encoding: ContentEncoding = format == .gzip ? .gzip : .deflate
        #expect(throws: PayloadError.tooLarge(limit: 1 << 20, decompressed: true)) {
            try Inflater.inflate(bomb, encoding: encoding, limit: 1 << 20)
        }
        #expect(throws: PayloadError.tooLarge(limit: 1 << 20, decompressed: true)) {
            try OTLPDecoder(maxBodyBytes: 1 << 20).decodeMetrics(bomb, format: .protobuf, encoding: encoding)
        }
    }

    @Test("concatenated gzip members are one body")
    func concatenatedMembers() throws {
        let first = Array("hello, ".utf8)
        let second = Array("world".utf8)
        let body = try compress(first, .gzip) + compress(second, .gzip)
        #expect(try Inflater.inflate(body, encoding: .gzip, limit: 100) == first + second)
    }

    @Test("truncated gzip is invalid compression")
    func truncated() throws {
        let compressed = try Fixtures.bytes("metrics-delta.pb.gz")
        for cut in [1, 10, 18, compressed.count / 2, compressed.count - 9, compressed.count - 1] {
            do {
                _ = try Inflater.inflate(Array(compressed.prefix(cut)), encoding: .gzip, limit: 1 << 20)
                Issue.record("a gzip stream cut at \(cut) of \(compressed.count) bytes was accepted")
            } catch {
                guard case .invalidCompression = error else {
                    Issue.record("cut at \(cut): expected invalidCompression, got \(error)")
                    continue
                }
            }
        }
    }

    @Test("invalid compressed bodies are invalid compression", arguments: [ContentEncoding.gzip, .deflate])
    func invalid(encoding: ContentEncoding) throws {
        let bodies: [[UInt8]] = [
            [],
            Array("this is not compressed at all".utf8),
            try Fixtures.bytes("metrics-delta.pb"),
            [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xFF, 0xFF],
        ]
        for body in bodies {
            do {
                _ = try Inflater.inflate(body, encoding: encoding, limit: 1 << 20)
                Issue.record("\(encoding) accepted \(body.count) invalid bytes")
            } catch {
                guard case .invalidCompression = error else {
                    Issue.record("expected invalidCompression, got \(error)")
                    continue
                }
            }
        }
    }

    @Test("a damaged gzip checksum is invalid compression")
    func badChecksum() throws {
        var compressed = try compress(Array("some payload".utf8), .gzip)
        compressed[compressed.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        #expect(throws: PayloadError.self) { try Inflater.inflate(compressed, encoding: .gzip, limit: 100) }
        do {
            _ = try Inflater.inflate(compressed, encoding: .gzip, limit: 100)
        } catch {
            guard case .invalidCompression = error else {
                Issue.record("expected invalidCompression, got \(error)")
                return
            }
        }
    }

    @Test("bytes after a zlib or raw deflate stream are refused")
    func trailingBytes() throws {
        let body = Array("payload".utf8)
        for format in [CompressionFormat.zlib, .rawDeflate] {
            let compressed = try compress(body, format) + [0x01, 0x02, 0x03]
            #expect(throws: PayloadError.self) { try Inflater.inflate(compressed, encoding: .deflate, limit: 100) }
        }
        let gzipped = try compress(body, .gzip) + [0x00, 0x01, 0x02]
        #expect(throws: PayloadError.self) { try Inflater.inflate(gzipped, encoding: .gzip, limit: 100) }
    }

    @Test("a gzip body of a fixture decodes like the plain one through OTLPDecoder")
    func decoderUsesEncoding() throws {
        let plain = try Fixtures.bytes("logs.pb")
        let deflated = try compress(plain, .zlib)
        #expect(try OTLPDecoder().decodeLogs(deflated, format: .protobuf, encoding: .deflate) == ScenarioMessages.logs())
        let raw = try compress(plain, .rawDeflate)
        #expect(try OTLPDecoder().decodeLogs(raw, format: .protobuf, encoding: .deflate) == ScenarioMessages.logs())
    }
}
