import Foundation
import Testing
@testable import TelemetryCore

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

    @Test("anything but padded standard base64 is refused", arguments: [
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

@Suite("recent record digests")
struct RecentDigestsTests {
    @Test("a window sliding far past its capacity keeps exactly the newest, and reads back equal")
    func slidingWindow() throws {
        var digests = RecentDigests(capacity: 5)
        for value in UInt64(1)...23 { digests.insert(value, at: value * 10) }
        #expect(digests.ordered == [19, 20, 21, 22, 23])
        #expect(digests.count == 5)
        #expect(!digests.contains(18) && digests.contains(19))
        // A digest that left the window counts as new again.
        digests.insert(18, at: 240)
        #expect(digests.ordered == [20, 21, 22, 23, 18])
        let restored = try RecentDigests(encoded: digests.encoded, capacity: 5)
        #expect(restored == digests)
        #expect(restored.ordered == [20, 21, 22, 23, 18])
        // Equality is about the entries, not about how much dead space each copy carries.
        var fresh = RecentDigests(capacity: 5)
        for value: UInt64 in [20, 21, 22, 23] { fresh.insert(value, at: value * 10) }
        fresh.insert(18, at: 240)
        #expect(fresh == digests)
        fresh.insert(99, at: 250)
        #expect(fresh != digests)
    }

    @Test("pruning by age removes from the front only")
    func pruneByAge() {
        var digests = RecentDigests(capacity: 10)
        for value in UInt64(1)...6 { digests.insert(value, at: value * 100) }
        digests.prune(receivedBefore: 350)
        #expect(digests.ordered == [4, 5, 6])
        #expect(!digests.contains(3) && digests.contains(4))
        digests.prune(receivedBefore: 10_000)
        #expect(digests.ordered == [])
        #expect(digests.count == 0)
        digests.insert(3, at: 10_001)
        #expect(digests.ordered == [3])
    }
}
