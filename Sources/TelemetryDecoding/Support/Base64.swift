/// Standard base64 (RFC 4648, `+/` alphabet, `=` padding) for the byte-packed state in
/// `aggregate.json`, which is rewritten on every update: encoding goes straight into the
/// output buffer and decoding straight from the document's bytes, with no `Data` in between.
package enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Number of characters `count` bytes encode to.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the padded encoding of `input` to `output`.
    package static func encode(_ input: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        let offset = output.count
        let full = input.count / 3 * 3
        output.append(contentsOf: repeatElement(UInt8(ascii: "="), count: encodedCount(input.count)))
        output.withUnsafeMutableBufferPointer { buffer in
            alphabet.withUnsafeBufferPointer { table in
                var at = offset
                var index = 0
                while index < full {
                    let group = Int(input[index]) << 16 | Int(input[index + 1]) << 8 | Int(input[index + 2])
                    buffer[at] = table[group >> 18]
                    buffer[at + 1] = table[group >> 12 & 0x3F]
                    buffer[at + 2] = table[group >> 6 & 0x3F]
                    buffer[at + 3] = table[group & 0x3F]
                    at += 4
                    index += 3
                }
                // The last one or two bytes: their characters, then the padding already in place.
                if input.count - full >= 1 {
                    let second = input.count - full == 2 ? Int(input[full + 1]) : 0
                    let group = Int(input[full]) << 16 | second << 8
                    buffer[at] = table[group >> 18]
                    buffer[at + 1] = table[group >> 12 & 0x3F]
                    if input.count - full == 2 { buffer[at + 2] = table[group >> 6 & 0x3F] }
                }
            }
        }
    }

    /// The bytes `text` encodes, or nil unless it is padded standard base64 with no other
    /// characters (no whitespace, no URL-safe alphabet).
    package static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        if text.isEmpty { return [] }
        var padding = 0
        if text[text.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if text[text.count - 2] == UInt8(ascii: "=") { padding += 1 }
        let groups = text.count / 4
        var output = [UInt8](repeating: 0, count: groups * 3)
        let valid: Bool = output.withUnsafeMutableBufferPointer { buffer in
            values.withUnsafeBufferPointer { table in
                // Every group but the last has four alphabet characters; any byte outside the
                // alphabet maps to 0xFF, which the OR of the four values keeps above 63.
                var at = 0
                for group in 0..<groups - 1 {
                    let index = group * 4
                    let a = table[Int(text[index])], b = table[Int(text[index + 1])]
                    let c = table[Int(text[index + 2])], d = table[Int(text[index + 3])]
                    guard a | b | c | d < 64 else { return false }
                    buffer[at] = a << 2 | b >> 4
                    buffer[at + 1] = b << 4 | c >> 2
                    buffer[at + 2] = c << 6 | d
                    at += 3
                }
                let index = text.count - 4
                let a = table[Int(text[index])], b = table[Int(text[index + 1])]
                let c = padding == 2 ? 0 : table[Int(text[index + 2])]
                let d = padding >= 1 ? 0 : table[Int(text[index + 3])]
                guard a | b | c | d < 64 else { return false }
                buffer[at] = a << 2 | b >> 4
                buffer[at + 1] = b << 4 | c >> 2
                buffer[at + 2] = c << 6 | d
                return true
            }
        }
        guard valid else { return nil }
        output.removeLast(padding)
        return output
    }
}
