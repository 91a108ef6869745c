/// A 64-bit FNV-1a hash. Unlike Swift's `Hasher` it is the same in every process and every
/// run, so its values can be stored (series identities, record digests) and compared later.
struct StableHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    init() {}

    mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
    }

    mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            for byte in buffer { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        value = (value ^ 0xff) &* 0x0000_0100_0000_01b3
    }

    mutating func combine(_ number: UInt64) {
        var remaining = number
        for _ in 0..<8 {
            value = (value ^ (remaining & 0xff)) &* 0x0000_0100_0000_01b3
            remaining >>= 8
        }
    }

    /// Mixes a finished hash so that a commutative sum of several of them stays well spread
    /// (used to hash attribute sets independently of their order).
    static func finalize(_ hash: UInt64) -> UInt64 {
        var x = hash
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
