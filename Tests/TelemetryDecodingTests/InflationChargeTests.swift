import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference

/// Records every claim and grants those up to `allow` bytes.
final class RecordingCharge: InflationCharge {
    let allow: Int
    var claims: [Int] = []

    init(allow: Int) { self.allow = allow }

    func claim(plainBytes: Int) -> Bool {
        claims.append(plainBytes)
        return plainBytes <= allow
    }
}

@Suite("Inflating asks the memory budget first")
struct InflationChargeTests {
    static let plain: [UInt8] = (0..<1_000_000).map { UInt8(truncatingIfNeeded: ($0 * 7) ^ ($0 >> 9)) }

    @Test("a gzip body claims its announced size before any work, and nothing more when it is honest")
    func announcedSizeFirst() throws {
        let compressed = try compress(Self.plain, .gzip)
        #expect(Inflater.announcedSize(compressed, encoding: .gzip) == Self.plain.count)
        let charge = RecordingCharge(allow: .max)
        #expect(try Inflater.inflate(compressed, encoding: .gzip, limit: 20 << 20, charge: charge) == Self.plain)
        #expect(charge.claims == [Self.plain.count])
    }

    @Test("refused up front: no byte is inflated")
    func refusedBeforeWork() throws {
        let compressed = try compress(Self.plain, .gzip)
        let charge = RecordingCharge(allow: 1000)
        #expect(throws: PayloadError.overMemoryBudget(plainBytes: Self.plain.count)) {
            try Inflater.inflate(compressed, encoding: .gzip, limit: 20 << 20, charge: charge)
        }
        #expect(charge.claims == [Self.plain.count])
    }

    @Test("a body that lies about its size, or announces none (deflate), is charged chunk by chunk and stopped when refused")
    func chargedWhileGrowing() throws {
        var lying = try compress(Self.plain, .gzip)
        // ISIZE says 10 bytes.
        lying.replaceSubrange((lying.count - 4)..., with: [10, 0, 0, 0])
        let charge = RecordingCharge(allow: 300_000)
        #expect(throws: PayloadError.overMemoryBudget(plainBytes: 327_680)) {
            try Inflater.inflate(lying, encoding: .gzip, limit: 20 << 20, charge: charge)
        }
        #expect(charge.claims.first == 10)
        #expect(charge.claims.last == 327_680)

        let deflated = try compress(Self.plain, .zlib)
        let growing = RecordingCharge(allow: .max)
        #expect(try Inflater.inflate(deflated, encoding: .deflate, limit: 20 << 20, charge: growing) == Self.plain)
        #expect(growing.claims.count == 16, "one claim per 64 KiB chunk")
        #expect(growing.claims.last! >= Self.plain.count)
    }
}
