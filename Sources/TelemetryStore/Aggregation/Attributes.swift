import TelemetryDecoding

/// Read access to an OTLP attribute list with the coercions Claude Code needs: numbers may
/// arrive as strings (older versions), ints or doubles; booleans as `"true"`/`"false"` or bool.
struct Attributes {
    let list: [OTLPAttribute]

    init(_ list: [OTLPAttribute]) { self.list = list }

    func value(_ key: String) -> OTLPValue? {
        for entry in list where entry.key == key { return entry.value }
        return nil
    }

    /// The attribute as text: strings as they are, scalars printed; nil when absent or empty.
    func string(_ key: String) -> String? {
        switch value(key) {
        case .string(let text)?: return text.isEmpty ? nil : text
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return nil
        }
    }

    /// The first present of several keys (for renamed attributes such as `tool_name` / `tool`).
    func string(_ keys: String...) -> String? {
        for key in keys { if let found = string(key) { return found } }
        return nil
    }

    /// The attribute as a finite number; nil when absent or an empty string.
    /// Throws when present but not a number (or NaN / infinite).
    func number(_ key: String) throws(RejectReason) -> Double? {
        let number: Double
        switch value(key) {
        case nil, .none?: return nil
        case .int(let int)?: number = Double(int)
        case .double(let double)?: number = double
        case .string(let text)?:
            if text.isEmpty { return nil }
            guard Self.isDecimalNumber(text), let parsed = Double(text) else {
                throw RejectReason("attribute '\(key)' is not a number")
            }
            number = parsed
        default:
            throw RejectReason("attribute '\(key)' is not a number")
        }
        guard number.isFinite else { throw RejectReason("attribute '\(key)' is not a finite number") }
        return number
    }

    /// True for a plain decimal number as JSON writes one (`12`, `-0.5`, `1e3`): no spaces
    /// around it, no hexadecimal (`0x10`), no `inf` or `nan`, no leading `+`.
    static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                bytes.removeFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        guard digits() > 0 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// A count-like attribute: a finite, non-negative number (absent means 0).
    func amount(_ key: String) throws(RejectReason) -> Double {
        guard let number = try number(key) else { return 0 }
        guard number >= 0 else { throw RejectReason("attribute '\(key)' is negative") }
        guard number <= MetricsAggregator.largestPlausibleValue else {
            throw RejectReason("attribute '\(key)' is implausibly large")
        }
        return number
    }

    /// A boolean attribute: bool, or the strings "true"/"false" (any case); nil when absent.
    func bool(_ key: String) -> Bool? {
        switch value(key) {
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: return nil
            }
        case .int(let number)?: return number != 0
        default: return nil
        }
    }

    /// An order-independent digest of the whole list, for series identity and record digests.
    var digest: UInt64 {
        var total: UInt64 = 0
        for entry in list {
            var hash = StableHash()
            hash.combine(entry.key)
            if entry.value != .none { Self.combine(entry.value, into: &hash) }
            total = total &+ StableHash.finalize(hash.value)
        }
        return total
    }

    static func combine(_ value: OTLPValue, into hash: inout StableHash) {
        switch value {
        case .none: hash.combine(0)
        case .string(let text): hash.combine(1); hash.combine(text)
        case .bool(let flag): hash.combine(2); hash.combine(flag ? 1 : 0)
        case .int(let number): hash.combine(3); hash.combine(UInt64(bitPattern: number))
        case .double(let number): hash.combine(4); hash.combine(number.bitPattern)
        case .array(let elements):
            hash.combine(5)
            for element in elements { combine(element, into: &hash) }
            hash.combine(UInt64(elements.count))
        case .kvlist(let list):
            hash.combine(6)
            hash.combine(Attributes(list).digest)
        case .bytes(let bytes): hash.combine(7); hash.combine(bytes); hash.combine(UInt64(bytes.count))
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = Substring(self)
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return result
    }
}

/// Why one data point or log record could not be used.
struct RejectReason: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
