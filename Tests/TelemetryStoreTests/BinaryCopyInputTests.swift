import Testing

@testable import TelemetryStore

/// The binary copy's reader of numbers and names: what every copy, journal record and published
/// day is decoded with.
@Suite("Binary copy input")
struct BinaryCopyInputTests {
    /// Reads `bytes` with `body`, which must read them to their end.
    func reading<T>(_ bytes: [UInt8], _ body: (inout BinaryCopyInput) throws(BinaryCopyDamage) -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> T in
                var input = BinaryCopyInput(raw, from: 0)
                let value = try body(&input)
                guard input.isAtEnd else { throw BinaryCopyDamage() }
                return value
            }
        }.get()
    }

    /// `names` written one after another, read back sharing one list of known names; returns
    /// what was read and the list.
    func readingNames(_ names: [String]) throws -> (read: [String], known: [String]) {
        var output = BinaryCopyOutput(capacity: 0)
        for name in names { output.string(name) }
        return try reading(output.bytes) { input throws(BinaryCopyDamage) in
            var known: [String] = []
            var read: [String] = []
            for _ in names { read.append(try input.string(reusing: &known)) }
            return (read, known)
        }
    }

    @Test("numbers of one to ten bytes read back as written, one after another")
    func varintsRoundTrip() throws {
        let values: [UInt64] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 1 << 35, UInt64(Int64.max), .max]
        var output = BinaryCopyOutput(capacity: 0)
        for value in values { output.varint(value) }
        #expect(output.bytes.count == 1 + 1 + 1 + 2 + 2 + 3 + 6 + 9 + 10)
        let read = try reading(output.bytes) { input throws(BinaryCopyDamage) in
            try values.map { _ throws(BinaryCopyDamage) in try input.varint() }
        }
        #expect(read == values)
    }

    @Test("a number cut short, or longer than ten bytes, is damage")
    func varintsCutShort() throws {
        var output = BinaryCopyOutput(capacity: 0)
        output.varint(0x4000)
        // 0x4000 takes three bytes: cut after each of the first two, or before the first.
        for cut in [Array(output.bytes.dropLast()), Array(output.bytes.prefix(1)), []] {
            #expect(throws: BinaryCopyDamage.self) {
                try reading(cut) { input throws(BinaryCopyDamage) in try input.varint() }
            }
        }
        // Ten bytes hold any 64-bit number; an eleventh is refused by the number itself, not
        // only by what is left after it.
        let longest = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        #expect(try reading(longest) { input throws(BinaryCopyDamage) in try input.varint() } == .max)
        let refused = ([UInt8](repeating: 0xFF, count: 10) + [0x01]).withUnsafeBytes { raw in
            var input = BinaryCopyInput(raw, from: 0)
            do throws(BinaryCopyDamage) {
                _ = try input.varint()
                return false
            } catch {
                return true
            }
        }
        #expect(refused)
    }

    @Test("a repeated name is the one read before; names of one length that differ stay apart")
    func namesReused() throws {
        let names = [
            "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250930", "claude-opus-4-1-20250805",
            "claude-sonnet-4-5-20250929", "", "claude-opus-4-1-20250805", "", "model-é",
        ]
        let (read, known) = try readingNames(names)
        #expect(read == names)
        #expect(
            known == [
                "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250930", "claude-opus-4-1-20250805", "", "model-é",
            ])
    }

    @Test("at most 32 names are kept to compare with; later ones are still read whole")
    func namesKeptAreBounded() throws {
        let names = (0..<40).map { "model-\($0 + 100)" } + ["model-139", "model-100"]
        let (read, known) = try readingNames(names)
        #expect(read == names)
        #expect(known == Array(names.prefix(32)))
    }
}
