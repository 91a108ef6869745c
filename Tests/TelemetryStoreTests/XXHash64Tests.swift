import Testing

@testable import TelemetryStore

/// The binary copy's checksum is XXH64 exactly: values of the reference implementation
/// (python-xxhash 3), for every path through it (under 4, 8 and 32 bytes, whole stripes and tails).
@Suite("XXH64")
struct XXHash64Tests {
    @Test(
        "reference values, seed 0 and 20141025",
        arguments: [
            ("", 0xEF46_DB37_51D8_E999, 0x493D_554C_5266_25BA),
            ("a", 0xD24E_C4F1_A98C_6E5B, 0x9FE3_CE22_1F1D_D34A),
            ("abc", 0x44BC_2CF5_AD77_0999, 0x15BF_5082_DE14_0C67),
            ("Nobody inspects the spammish repetition", 0xFBCE_A83C_8A37_8BF1, 0xCE06_9361_3685_2706),
        ] as [(String, UInt64, UInt64)])
    func referenceValues(text: String, seedZero: UInt64, seeded: UInt64) {
        #expect(XXHash64.hash(Array(text.utf8)) == seedZero)
        #expect(XXHash64.hash(Array(text.utf8), seed: 20_141_025) == seeded)
    }

    @Test("a long input: 24 stripes of 32 bytes and a tail of 5")
    func longInput() {
        let bytes = (0..<3).flatMap { _ in (0...255).map { UInt8($0) } } + Array("tail!".utf8)
        #expect(bytes.count == 773)
        #expect(XXHash64.hash(bytes) == 0x26BB_FF34_E506_DAFF)
        #expect(XXHash64.hash(bytes, seed: 20_141_025) == 0x642A_304E_430F_D89F)
    }

    @Test("any one changed bit changes the hash")
    func everyBitCounts() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let original = XXHash64.hash(bytes)
        for index in bytes.indices {
            for bit in 0..<8 {
                var changed = bytes
                changed[index] ^= 1 << bit
                #expect(XXHash64.hash(changed) != original, "byte \(index) bit \(bit)")
            }
        }
    }
}
