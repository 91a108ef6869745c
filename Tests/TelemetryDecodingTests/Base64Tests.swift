import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding

@Suite("base64 of the stored state")
struct Base64Tests {
    private func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        bytes.withUnsafeBufferPointer { Base64.encode($0, appendingTo: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    private func decode(_ text: String) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { Base64.decode($0) }
    }

    @Test("encoding and decoding agree with Foundation for every length up to 40, every byte value")
    func agreesWithFoundation() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + length * 31 + 255) }
            let text = encode(bytes)
            #expect(text == Data(bytes).base64EncodedString(), "length \(length)")
            #expect(decode(text) == bytes, "length \(length)")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(encode(all) == Data(all).base64EncodedString())
        #expect(decode(Data(all).base64EncodedString()) == all)
    }

    @Test(
        "anything but padded standard base64 is refused",
        arguments: [
            "A", "AA", "AAA", "AAAAA",  // not a multiple of 4
            "AA=A", "A===", "====", "=AAA",  // padding in the wrong place
            "AB-_", "AB C", "AB\nC", "ABC\u{e9}",  // URL-safe alphabet, whitespace, non-ASCII
        ])
    func refused(_ text: String) {
        #expect(decode(text) == nil)
    }

    @Test("padding gives back exactly the encoded bytes")
    func padding() {
        #expect(decode("") == [])
        #expect(decode("AA==") == [0])
        #expect(decode("AAE=") == [0, 1])
        #expect(decode("/+8A") == [0xFF, 0xEF, 0x00])
    }
}
