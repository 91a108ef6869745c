/// A fast, stable 64-bit digest of a byte string, for recognising a request body seen before.
///
/// ``StableHash`` (FNV-1a) mixes one byte per multiplication, which is fine for names but
/// slow for bodies of up to 20 MiB. This one mixes 16 bytes per 128-bit multiplication, in
/// the manner of wyhash: each step folds the high half of the product into the low one, so
/// every input bit reaches every output bit. It is the same in every process and every run,
/// so its values can be stored. It is not meant to resist a sender who crafts collisions:
/// a collision could only make that sender's own batch look like one of its own earlier ones.
enum BodyDigest {
    private static let secret0: UInt64 = 0xa076_1d64_78bd_642f
    private static let secret1: UInt64 = 0xe703_7ed1_a0b4_28db
    private static let secret2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    static func of(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var state = seed ^ secret0
            var offset = 0
            while offset + 16 <= raw.count {
                let low = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                let high = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
                state = mix(low ^ secret1, high ^ state)
                offset += 16
            }
            var tail = (UInt64(0), UInt64(0))
            for index in offset..<raw.count {
                let shift = UInt64((index - offset) % 8) * 8
                if index - offset < 8 { tail.0 |= UInt64(raw[index]) << shift } else { tail.1 |= UInt64(raw[index]) << shift }
            }
            state = mix(tail.0 ^ secret1, tail.1 ^ state)
            return mix(state ^ secret2, UInt64(raw.count) ^ secret1)
        }
    }

    /// The 128-bit product, high half folded into the low one.
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
