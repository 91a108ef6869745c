// Protobuf's JSON mapping on top of the pull parser.
//
// What the OTLP/JSON decoder (Decoding/JSONBatchDecoder.swift) reads: values with the rules of
// swift-protobuf 1.39's JSON decoder (its JSONScanner.swift), so that both accept the same
// bodies and read the same values. Their quirks are kept on purpose and noted where they occur.
// The parser's own methods (JSONScanner.swift) keep strict RFC 8259 semantics and are unaffected.

extension JSONScanner {
    /// The cursor, as a byte offset into the document.
    var offset: Int { position }

    /// `{` of a message at `depth` (the request object is 1). Every object counts, those of
    /// skipped fields too, as swift-protobuf's `messageDepthLimit` counts them.
    mutating func beginMessage(depth: Int, limit: Int) throws(Failure) {
        let index = try nextNonWhitespace()
        guard bytes[index] == UInt8(ascii: "{") else { throw failure("expected an object") }
        position = index + 1
        firstInContainer = true
        guard depth <= limit else { throw Failure(message: "nesting deeper than the limit", offset: index) }
    }

    /// The next field of a message being read, as its number in `table`; nil at `}`. Keys of
    /// no field are skipped with their values, as with `ignoreUnknownFields`. Keys match
    /// byte for byte (lowerCamelCase or original proto name), escaped keys once decoded.
    package mutating func nextField(in table: JSONFieldTable, depth: Int, limit: Int) throws(Failure) -> Int? {
        while true {
            // `}`, or `,` before every member but the first (as nextMember).
            var index = try nextNonWhitespace()
            if bytes[index] == UInt8(ascii: "}") {
                position = index + 1
                firstInContainer = false
                return nil
            }
            if !firstInContainer {
                guard bytes[index] == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
                position = index + 1
                index = try nextNonWhitespace()
            }
            firstInContainer = false
            let keyStart = index
            let number: Int?
            if bytes[keyStart] == UInt8(ascii: "\""), let (end, found) = plainKey(at: keyStart, in: table) {
                position = end + 1
                try colon()
                if found == nil {
                    let valid = bytes.withUnsafeBufferPointer { buffer in
                        UTF8Text.string(UnsafeBufferPointer(rebasing: buffer[(keyStart + 1)..<end])) != nil
                    }
                    guard valid else { throw Failure(message: "invalid UTF-8 in a key", offset: keyStart) }
                }
                number = found
            } else {
                let key = Array(try string().utf8)
                try colon()
                number = key.withUnsafeBytes { table.number($0) }
            }
            if let number { return number }
            try skipProtobufValue(depth: depth, limit: limit)
        }
    }

    /// Skips whitespace; the index of the next byte, which exists. A single space (as after
    /// `,` and `:` in indented or spaced JSON) is handled inline.
    @inline(__always)
    private mutating func nextNonWhitespace() throws(Failure) -> Int {
        var index = position
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        if index < bytes.count, bytes[index] > 0x20 {
            position = index
            return index
        }
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        return position
    }

    /// `:` after a key, and the whitespace after it.
    @inline(__always)
    private mutating func colon() throws(Failure) {
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            position += 1
        } else {
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
        }
        if position < bytes.count, bytes[position] <= 0x20 { skipWhitespace() }
    }

    /// For a key without escapes or control characters at `start` (on its opening quote): the
    /// index of its closing quote, and its number in `table`. Nil for any other key.
    private func plainKey(at start: Int, in table: JSONFieldTable) -> (end: Int, number: Int?)? {
        bytes.withUnsafeBytes { raw -> (end: Int, number: Int?)? in
            guard let (end, _) = Self.plainStringEnd(raw, from: start + 1) else { return nil }
            return (end, table.number(UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<end])))
        }
    }

    /// A string value, read as ``string()`` reads it, faster for plain ones.
    mutating func protobufString() throws(Failure) -> String {
        let start = try nextNonWhitespace()
        if bytes[start] == UInt8(ascii: "\"") {
            let text = bytes.withUnsafeBytes { raw -> (String?, Int)? in
                guard let (end, ascii) = Self.plainStringEnd(raw, from: start + 1) else { return nil }
                let content = UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<end]).assumingMemoryBound(to: UInt8.self)
                return (ascii ? String(decoding: content, as: UTF8.self) : String(validating: content, as: UTF8.self), end)
            }
            if let (text, end) = text {
                guard let text else { throw Failure(message: "invalid UTF-8 in a string", offset: start + 1) }
                position = end + 1
                return text
            }
        }
        return try string()
    }

    /// A string checked as ``string()`` checks it (escapes, UTF-8, control characters), without
    /// building it when it is plain ASCII.
    mutating func checkString() throws(Failure) {
        let start = try nextNonWhitespace()
        if bytes[start] == UInt8(ascii: "\""),
            let (end, ascii) = bytes.withUnsafeBytes({ Self.plainStringEnd($0, from: start + 1) }), ascii
        {
            position = end + 1
            return
        }
        _ = try string()
    }

    /// `null` as swift-protobuf reads it: the word, not followed by a letter.
    @inline(__always)
    mutating func protobufNull() -> Bool {
        if position < bytes.count, bytes[position] > 0x20, bytes[position] != UInt8(ascii: "n") { return false }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "n") else { return false }
        return keyword("null")
    }

    /// Consumes `word` when it is next and not followed by an ASCII letter.
    private mutating func keyword(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
        if position + count < bytes.count {
            let next = bytes[position + count] | 0x20
            if next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z") { return false }
        }
        position += count
        return true
    }

    /// `bool`: the words only, not strings or numbers.
    mutating func protobufBool() throws(Failure) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        if bytes[position] == UInt8(ascii: "t"), keyword("true") { return true }
        if bytes[position] == UInt8(ascii: "f"), keyword("false") { return false }
        throw failure("expected true or false")
    }

    // MARK: Numbers
    //
    // 64-bit integers: a JSON number or a string holding one, in full range when written as
    // digits; with a fraction or an exponent they go through a double, so they must be integral
    // and are exact only to 53 bits. Doubles: also quoted, and "NaN", "Infinity", "-Infinity",
    // "Inf", "-Inf" as strings. A quoted number with an escape (`"\u0031"`) is decoded as a
    // string first, then read again.

    /// `uint64`, `fixed64`.
    mutating func protobufUInt64() throws(Failure) -> UInt64 {
        try protobufNumber { (scanner: JSONScanner, index: inout Int) throws(Failure) in try scanner.bareUInt64(&index) }
    }

    /// `int64`, `sfixed64`.
    mutating func protobufInt64() throws(Failure) -> Int64 {
        try protobufNumber { (scanner: JSONScanner, index: inout Int) throws(Failure) in try scanner.bareInt64(&index) }
    }

    /// `uint32`, `fixed32`: read as 64 bits, then range-checked.
    mutating func protobufUInt32() throws(Failure) -> UInt32 {
        let start = offsetAfterWhitespace()
        let value = try protobufUInt64()
        guard let narrow = UInt32(exactly: value) else { throw Failure(message: "number out of range", offset: start) }
        return narrow
    }

    /// `int32`, `sint32`: read as 64 bits, then range-checked.
    mutating func protobufInt32() throws(Failure) -> Int32 {
        let start = offsetAfterWhitespace()
        let value = try protobufInt64()
        guard let narrow = Int32(exactly: value) else { throw Failure(message: "number out of range", offset: start) }
        return narrow
    }

    /// `double`.
    mutating func protobufDouble() throws(Failure) -> Double {
        try protobufNumber(
            { (scanner: JSONScanner, index: inout Int) throws(Failure) in try scanner.bareDouble(&index) },
            word: { decoded in
                switch String(decoding: decoded, as: UTF8.self) {
                case "NaN": .nan
                case "Infinity", "Inf": .infinity
                case "-Infinity", "-Inf": -.infinity
                default: nil
                }
            })
    }

    /// A number as `bare` reads it from the cursor: unquoted, or quoted (read in place when
    /// plain, else decoded as a string and read again). `word` gives the value of a quoted word
    /// that is not a number (`"NaN"`), or nil.
    private mutating func protobufNumber<T>(
        _ bare: (JSONScanner, inout Int) throws(Failure) -> T?, word: ([UInt8]) -> T? = { _ in nil }
    ) throws(Failure) -> T {
        let start = try valueStart()
        if bytes[start] == UInt8(ascii: "\"") {
            var index = start + 1
            if let value = try bare(self, &index) {
                try closeQuotedNumber(at: index, start: start)
                return value
            }
            let decoded = try decodedNumberString(start)
            if let value = word(decoded) { return value }
            return try Self.reparse(decoded, offset: start, bare)
        }
        var index = start
        guard let value = try bare(self, &index) else { throw Failure(message: "malformed number", offset: start) }
        position = index
        return value
    }

    /// An enum: a number (any 64-bit integer; open enums keep unknown values), or a value name
    /// looked up in `names`. An unknown name gives nil, and the field keeps its value.
    mutating func protobufEnum(_ names: JSONFieldTable) throws(Failure) -> Int? {
        let start = try valueStart()
        guard bytes[start] == UInt8(ascii: "\"") else { return Int(try protobufInt64()) }
        if let (end, number) = plainKey(at: start, in: names) {
            // Not checked as UTF-8, like swift-protobuf: an unknown name is ignored either way.
            position = end + 1
            return number
        }
        let name = Array(try string().utf8)
        return name.withUnsafeBytes { names.number($0) }
    }

    private mutating func valueStart() throws(Failure) -> Int { try nextNonWhitespace() }

    private mutating func offsetAfterWhitespace() -> Int {
        skipWhitespace()
        return position
    }

    private mutating func closeQuotedNumber(at index: Int, start: Int) throws(Failure) {
        guard index < bytes.count else { throw Failure(message: "unexpected end", offset: index) }
        guard bytes[index] == UInt8(ascii: "\"") else { throw Failure(message: "malformed number", offset: start) }
        position = index + 1
    }

    /// The quoted number at `start` with its escapes decoded (the slow path).
    private mutating func decodedNumberString(_ start: Int) throws(Failure) -> [UInt8] {
        position = start
        return Array(try string().utf8)
    }

    /// Reads `decoded` (a quoted number's text) with `read`, which must take all of it.
    private static func reparse<T>(
        _ decoded: [UInt8], offset: Int,
        _ read: (JSONScanner, inout Int) throws(Failure) -> T?
    ) throws(Failure) -> T {
        let scanner = JSONScanner(decoded)
        var index = 0
        do {
            if !decoded.isEmpty, let value = try read(scanner, &index), index == decoded.count { return value }
        } catch {}
        throw Failure(message: "malformed number", offset: offset)
    }

    /// The end of the string whose content starts at `index` (its closing quote), skipping
    /// escaped characters without checking them; nil when the document ends first.
    private func stringEnd(from index: Int) -> Int? {
        var index = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// A non-negative integer from `index` (swift-protobuf's `parseBareUInt64`): digits, or a
    /// number with fraction or exponent that is integral as a double. Stops at the first byte
    /// that cannot continue it. Nil when it meets a backslash (the caller decodes the string).
    private func bareUInt64(_ index: inout Int) throws(Failure) -> UInt64? {
        let end = bytes.count
        guard index < end else { throw Failure(message: "unexpected end", offset: index) }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "0"):
            index += 1
            guard index < end else { return 0 }
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                throw Failure(message: "leading zero in a number", offset: start)
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                index = start
                return try integral(&index, start: start)
            case UInt8(ascii: "\\"):
                return nil
            default:
                return 0
            }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            var value: UInt64 = 0
            while index < end {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let digit = UInt64(byte &- UInt8(ascii: "0"))
                    if value > UInt64.max / 10 || value * 10 > UInt64.max - digit {
                        throw Failure(message: "number out of range", offset: start)
                    }
                    value = value * 10 + digit
                    index += 1
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index = start
                    return try integral(&index, start: start)
                case UInt8(ascii: "\\"):
                    return nil
                default:
                    return value
                }
            }
            return value
        case UInt8(ascii: "\\"):
            return nil
        default:
            throw Failure(message: "malformed number", offset: start)
        }
    }

    /// A number in floating-point notation that must be a non-negative integer.
    private func integral(_ index: inout Int, start: Int) throws(Failure) -> UInt64 {
        if let double = try bareDouble(&index), let value = UInt64(exactly: double) { return value }
        throw Failure(message: "malformed number", offset: start)
    }

    /// A signed integer from `index` (swift-protobuf's `parseBareSInt64`).
    private func bareInt64(_ index: inout Int) throws(Failure) -> Int64? {
        let end = bytes.count
        guard index < end else { throw Failure(message: "unexpected end", offset: index) }
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            guard index < end else { throw Failure(message: "unexpected end", offset: index) }
            guard bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") else {
                throw Failure(message: "malformed number", offset: start)
            }
            guard let magnitude = try bareUInt64(&index) else { return nil }
            let limit: UInt64 = 1 << 63
            if magnitude > limit { throw Failure(message: "number out of range", offset: start) }
            return magnitude == limit ? .min : -Int64(magnitude)
        }
        guard let value = try bareUInt64(&index) else { return nil }
        guard value <= UInt64(Int64.max) else { throw Failure(message: "number out of range", offset: start) }
        return Int64(value)
    }

    /// A number from `index` by the JSON grammar (swift-protobuf's `parseBareDouble`), finite
    /// and shorter than 128 bytes. Nil when it meets a backslash, or starts with `N`, `I` or `-I`
    /// (the caller reads the string: "NaN", "Infinity"…). Stops at the first byte that cannot
    /// continue it.
    private func bareDouble(_ index: inout Int) throws(Failure) -> Double? {
        let end = bytes.count
        guard index < end else { throw Failure(message: "unexpected end", offset: index) }
        let start = index
        var byte = bytes[index]
        if byte == UInt8(ascii: "\\") { return nil }
        if byte == UInt8(ascii: "-") {
            index += 1
            guard index < end else { throw Failure(message: "unexpected end", offset: index) }
            byte = bytes[index]
            if byte == UInt8(ascii: "\\") { return nil }
        } else if byte == UInt8(ascii: "N") {
            return nil
        }
        if byte == UInt8(ascii: "I") { return nil }

        switch byte {
        case UInt8(ascii: "0"):
            index += 1
            // At the very end, swift-protobuf answers 0 without reading the sign.
            guard index < end else { return 0 }
            byte = bytes[index]
            if byte == UInt8(ascii: "\\") { return nil }
            if isDigit(byte) { throw Failure(message: "leading zero in a number", offset: start) }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            while isDigit(byte) {
                index += 1
                guard index < end else { return try decimal(start, index) }
                byte = bytes[index]
                if byte == UInt8(ascii: "\\") { return nil }
            }
        default:
            throw Failure(message: "malformed number", offset: start)
        }

        if byte == UInt8(ascii: ".") {
            index += 1
            guard index < end else { throw Failure(message: "unexpected end", offset: index) }
            byte = bytes[index]
            if byte == UInt8(ascii: "\\") { return nil }
            guard isDigit(byte) else { throw Failure(message: "malformed number", offset: start) }
            while isDigit(byte) {
                index += 1
                guard index < end else { return try decimal(start, index) }
                byte = bytes[index]
                if byte == UInt8(ascii: "\\") { return nil }
            }
        }

        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            index += 1
            guard index < end else { throw Failure(message: "unexpected end", offset: index) }
            byte = bytes[index]
            if byte == UInt8(ascii: "\\") { return nil }
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                index += 1
                guard index < end else { throw Failure(message: "unexpected end", offset: index) }
                byte = bytes[index]
                if byte == UInt8(ascii: "\\") { return nil }
            }
            guard isDigit(byte) else { throw Failure(message: "malformed number", offset: start) }
            while isDigit(byte) {
                index += 1
                guard index < end else { return try decimal(start, index) }
                byte = bytes[index]
                if byte == UInt8(ascii: "\\") { return nil }
            }
        }
        return try decimal(start, index)
    }

    /// The value of the grammar-checked number in `start..<end`, as `strtod` gives it; refused
    /// when 128 bytes or longer (swift-protobuf's buffer) or not finite.
    private func decimal(_ start: Int, _ end: Int) throws(Failure) -> Double {
        guard end - start < 128 else { throw Failure(message: "number too long", offset: start) }
        if let value = fastDecimal(start, end) { return value }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw Failure(message: "number out of range", offset: start)
        }
        return value
    }

    /// Exact when the digits fit 2^53 and the decimal exponent is within ±22: both operands
    /// are then exact doubles, and one IEEE operation rounds correctly (Clinger's fast path).
    private func fastDecimal(_ start: Int, _ end: Int) -> Double? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var fraction = false
        while index < end {
            let byte = bytes[index]
            if isDigit(byte) {
                guard digits < 19 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
                if fraction { exponent -= 1 }
            } else if byte == UInt8(ascii: ".") {
                fraction = true
            } else {
                break
            }
            index += 1
        }
        if index < end {  // exponent
            index += 1
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard end - index <= 4 else { return nil }
            var value = 0
            while index < end {
                value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            exponent += exponentNegative ? -value : value
        }
        guard mantissa <= 1 << 53 else { return nil }
        let magnitude: Double
        if mantissa == 0 {
            magnitude = 0
        } else if exponent >= 0 && exponent <= 22 {
            magnitude = Double(mantissa) * Self.powersOfTen[exponent]
        } else if exponent < 0 && exponent >= -22 {
            magnitude = Double(mantissa) / Self.powersOfTen[-exponent]
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    // MARK: Bytes

    /// Base64 as swift-protobuf reads it: standard or URL-safe alphabet (not both), padding
    /// optional but exact when present, spaces ignored, `\/` the only escape.
    ///
    /// Stricter than swift-protobuf in one case: a non-empty string with fewer than two base64
    /// digits (`"!"`, `"="`, `"a"`) is refused. swift-protobuf decodes it as empty bytes and
    /// resumes reading inside the string, so it refuses nearly all such documents and accepts a
    /// few that are not even JSON (`{"bytesValue":"!,"x":1}`). No encoder writes such a value.
    mutating func protobufBytes() throws(Failure) -> [UInt8] {
        let start = try valueStart()
        guard bytes[start] == UInt8(ascii: "\"") else { throw failure("expected a base64 string") }
        // First pass: count the digits, check escapes and alphabets, find the closing quote.
        var index = start + 1
        var digits = 0
        var standard = false
        var urlSafe = false
        while true {
            guard index < bytes.count else { throw Failure(message: "unexpected end in a string", offset: index) }
            var byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { throw Failure(message: "unexpected end in a string", offset: index) }
                guard bytes[index] == UInt8(ascii: "/") else {
                    throw Failure(message: "invalid escape in base64", offset: index - 1)
                }
                byte = UInt8(ascii: "/")
            }
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): standard = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"): urlSafe = true
            default: break
            }
            if Self.base64Value(byte) >= 0 { digits += 1 }
            index += 1
        }
        let close = index
        guard !(standard && urlSafe) else {
            throw Failure(message: "base64 mixes the standard and URL-safe alphabets", offset: start)
        }
        let count = digits * 3 / 4
        if count == 0 {
            guard close == start + 1 else { throw Failure(message: "base64 with fewer than two digits", offset: start) }
            position = close + 1
            return []
        }
        // Second pass: decode, refusing anything but digits, spaces and final padding.
        var output: [UInt8] = []
        output.reserveCapacity(count)
        var group = 0
        var inGroup = 0
        var padding = 0
        index = start + 1
        digits: while true {
            var byte = bytes[index]
            var value = Self.base64Value(byte)
            if value < 0 {
                switch byte {
                case UInt8(ascii: "\""):
                    break digits
                case UInt8(ascii: "\\"):
                    index += 1
                    byte = bytes[index]
                    value = Self.base64Value(byte)
                case UInt8(ascii: " "):
                    index += 1
                    continue digits
                case UInt8(ascii: "="):
                    while true {
                        switch bytes[index] {
                        case UInt8(ascii: "\""): break digits
                        case UInt8(ascii: " "): break
                        case UInt8(ascii: "="): padding += 1
                        default: throw Failure(message: "invalid base64", offset: index)
                        }
                        index += 1
                    }
                default:
                    throw Failure(message: "invalid base64", offset: index)
                }
            }
            group = group << 6 | value
            inGroup += 1
            if inGroup == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                inGroup = 0
            }
            index += 1
        }
        switch (inGroup, padding) {
        case (3, 0), (3, 1):
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        case (2, 0), (2, 2):
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case (0, 0):
            break
        default:
            throw Failure(message: "invalid base64 length or padding", offset: start)
        }
        position = close + 1
        return output
    }

    /// A base64 digit's value in either alphabet (`+`/`-` are 62, `/`/`_` are 63), else -1.
    private static func base64Value(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte &- UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte &- UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte &- UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: -1
        }
    }

    // MARK: Skipping

    /// Skips an unknown field's value as swift-protobuf does: strings are not checked (any
    /// bytes, any escape), numbers must be valid and finite, objects count towards `limit`
    /// (the value's message is at `depth`), arrays do not and are not recursed into.
    mutating func skipProtobufValue(depth: Int, limit: Int) throws(Failure) {
        skipWhitespace()
        var openArrays = 0
        while true {
            var opened = 0
            while position < bytes.count, bytes[position] == UInt8(ascii: "[") {
                position += 1
                opened += 1
                skipWhitespace()
            }
            guard position < bytes.count else { throw failure("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                try skipLenientString()
            case UInt8(ascii: "{"):
                try skipProtobufObject(depth: depth + 1, limit: limit)
            case UInt8(ascii: "]"):
                guard opened > 0 else { throw failure("expected a value") }
                while opened > 0, closeArray() { opened -= 1 }
            case UInt8(ascii: "n"):
                guard keyword("null") else { throw failure("invalid literal") }
            case UInt8(ascii: "f"):
                guard keyword("false") else { throw failure("invalid literal") }
            case UInt8(ascii: "t"):
                guard keyword("true") else { throw failure("invalid literal") }
            default:
                var index = position
                guard try bareDouble(&index) != nil else { throw failure("malformed number") }
                position = index
            }
            openArrays += opened
            while openArrays > 0, closeArray() { openArrays -= 1 }
            guard openArrays > 0 else { return }
            try expect(UInt8(ascii: ","), "expected ',' or ']'")
            skipWhitespace()
        }
    }

    private mutating func closeArray() -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "]") else { return false }
        position += 1
        return true
    }

    /// An object inside a skipped value. Not `beginObject`: the container state of the message
    /// being read must stay as it is.
    private mutating func skipProtobufObject(depth: Int, limit: Int) throws(Failure) {
        guard depth <= limit else { throw failure("nesting deeper than the limit") }
        position += 1  // the cursor is on `{`
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end") }
            guard bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string") }
            try skipLenientString()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            try skipProtobufValue(depth: depth, limit: limit)
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end") }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return
            }
            try expect(UInt8(ascii: ","), "expected ',' or '}'")
        }
    }

    /// A string at the cursor, up to its closing quote; a backslash skips the next byte.
    private mutating func skipLenientString() throws(Failure) {
        guard let end = stringEnd(from: position + 1) else { throw failure("unexpected end in a string") }
        position = end + 1
    }
}
