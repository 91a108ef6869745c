import Testing

@testable import TelemetryStore

/// `JSONWriter.number` writes whole numbers as integers and every other finite double exactly
/// as Swift's `description` spells it (the shortest text that reads back to the same value).
@Suite("JSON numbers")
struct JSONWriterNumberTests {
    func written(_ values: [Double]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for value in values { writer.number(value) }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("fractions, tiny and huge numbers are written as description spells them, each reading back to itself")
    func fractions() {
        var values: [Double] = [
            0.1, -0.1, 0.000_123_4, 1.5e-300, Double(bitPattern: 1), -2.2250738585072014e-308, 1.0 / 3.0, 123_456.789,
            9.0e15, 1.7976931348623157e308, -4.5e20, 0.30000000000000004,
        ]
        var generator = SystemRandomNumberGenerator()
        while values.count < 2_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite && (value != value.rounded() || abs(value) >= 9.0e15) { values.append(value) }
        }
        let text = written(values)
        #expect(text == "[" + values.map(\.description).joined(separator: ",") + "]")
        let readBack = text.dropFirst().dropLast().split(separator: ",").map { Double($0)! }
        #expect(readBack.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("whole numbers below 9e15 are integers, zero and its negative alike")
    func wholeNumbers() {
        let whole: [Double] = [0, -0.0, 1, -1, 42, 8_999_999_999_999_998, -123_456_789]
        #expect(written(whole) == "[0,0,1,-1,42,8999999999999998,-123456789]")
        #expect(written([2.5, 1e16]) == "[2.5,1e+16]")
    }
}
