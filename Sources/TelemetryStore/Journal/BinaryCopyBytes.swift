import SystemCalls

/// Writes the binary copy's values: fixed-width little-endian numbers, LEB128 counts and
/// lengths, UTF-8 strings prefixed by their length.
package struct BinaryCopyOutput {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) { u64(value.bitPattern) }

    mutating func count(_ value: Int) { varint(UInt64(value)) }

    mutating func integer(_ value: Int) { varint(UInt64(bitPattern: Int64(value))) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func blob(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }

    /// A bucket as a mask of the figures whose bits are not zero, then those values: a day
    /// touches a dozen of the 29 figures.
    mutating func figures(_ figures: Figures) {
        let values = figures.allValues
        var mask: UInt64 = 0
        for (index, value) in values.enumerated() where value.bitPattern != 0 { mask |= 1 << UInt64(index) }
        varint(mask)
        for value in values where value.bitPattern != 0 { double(value) }
    }
}

/// The binary copy is damaged or not of this layout.
package struct BinaryCopyDamage: Error {}

/// Reads what ``BinaryCopyOutput`` wrote, checking every length against the bytes left. Lives
/// only inside the `withUnsafeBytes` call that lends it the bytes.
package struct BinaryCopyInput {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// The array `bytes` points into, when there is one: tables read from it are then slices
    /// of it rather than copies.
    private let owner: ArraySlice<UInt8>?

    init(_ bytes: UnsafeRawBufferPointer, from offset: Int, owner: ArraySlice<UInt8>? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.owner = owner
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func u64() throws(BinaryCopyDamage) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw BinaryCopyDamage() }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func double() throws(BinaryCopyDamage) -> Double { Double(bitPattern: try u64()) }

    /// Most numbers of a copy (counts, lengths, small integers) take one byte: read in place,
    /// the longer form by a call.
    @inline(__always)
    mutating func varint() throws(BinaryCopyDamage) -> UInt64 {
        if offset < bytes.count {
            let byte = bytes[offset]
            if byte < 0x80 {
                offset += 1
                return UInt64(byte)
            }
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(BinaryCopyDamage) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw BinaryCopyDamage()
    }

    /// A count of entries that follow, each at least one byte long.
    mutating func count() throws(BinaryCopyDamage) -> Int {
        let value = try varint()
        guard value <= UInt64(bytes.count - offset) else { throw BinaryCopyDamage() }
        return Int(value)
    }

    mutating func integer() throws(BinaryCopyDamage) -> Int { Int(Int64(bitPattern: try varint())) }

    /// The bytes from `start` to the position: a slice of the owner, or a copy without one.
    func bytes(from start: Int) -> ArraySlice<UInt8> {
        guard let owner else { return ArraySlice(UnsafeRawBufferPointer(rebasing: bytes[start..<offset])) }
        return owner[owner.startIndex + start..<owner.startIndex + offset]
    }

    /// The next `length`-prefixed bytes: a slice of the owner, or a copy without one.
    mutating func table() throws(BinaryCopyDamage) -> ArraySlice<UInt8> {
        let length = try count()
        offset += length
        return bytes(from: offset - length)
    }

    /// The next `length`-prefixed bytes, without copying them.
    mutating func slice() throws(BinaryCopyDamage) -> UnsafeRawBufferPointer {
        let length = try count()
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
    }

    mutating func string() throws(BinaryCopyDamage) -> String {
        String(decoding: try slice(), as: UTF8.self)
    }

    /// A string equal to one of `known` is that one (no new heap block for a name that repeats
    /// on every day, like a model's); another is added to `known` (up to 32).
    mutating func string(reusing known: inout [String]) throws(BinaryCopyDamage) -> String {
        let bytes = try slice()
        for candidate in known where candidate.utf8.count == bytes.count {
            // One memcmp of the UTF-8 a native string holds in place, not a walk over the view
            // (that walk was a third of decoding a year's published days, where names repeat).
            let equal =
                candidate.utf8.withContiguousStorageIfAvailable { held in
                    bytes.isEmpty || memcmp(held.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                } ?? candidate.utf8.elementsEqual(bytes)
            if equal { return candidate }
        }
        let value = String(decoding: bytes, as: UTF8.self)
        if known.count < 32 { known.append(value) }
        return value
    }

    mutating func figures() throws(BinaryCopyDamage) -> Figures {
        let mask = try varint()
        let figureCount = Figure.allCases.count
        guard mask >> UInt64(figureCount) == 0 else { throw BinaryCopyDamage() }
        var values = [Double](repeating: 0, count: figureCount)
        var rest = mask
        while rest != 0 {
            let index = rest.trailingZeroBitCount
            values[index] = try double()
            rest &= rest - 1
        }
        return Figures(values: values)!
    }

    /// Passes over a model map (as `map { try $0.figures() }` reads it) without building it.
    mutating func skipModels() throws(BinaryCopyDamage) {
        for _ in 0..<(try count()) {
            _ = try slice()
            try skipFigures()
        }
    }

    /// Passes over a session (as ``session()`` reads it) without building it.
    /// A session's last-seen time (as ``session()`` reads it), passing over the rest of it
    /// before that time; the input is left inside the session.
    mutating func sessionLastSeen() throws(BinaryCopyDamage) -> UInt64 {
        try skipFigures()
        _ = try u64()
        return try u64()
    }

    mutating func skipSession() throws(BinaryCopyDamage) {
        try skipFigures()
        _ = try u64()
        _ = try u64()
        for _ in 0..<(try count()) { _ = try slice() }
    }

    /// Passes over a bucket (as ``figures()`` reads it) without building it.
    mutating func skipFigures() throws(BinaryCopyDamage) {
        let mask = try varint()
        guard mask >> UInt64(Figure.allCases.count) == 0 else { throw BinaryCopyDamage() }
        let length = mask.nonzeroBitCount * 8
        guard bytes.count - offset >= length else { throw BinaryCopyDamage() }
        offset += length
    }
}

// MARK: The document's values

extension BinaryCopyOutput {
    /// A map: its count, then each key and value.
    mutating func map<Value>(_ map: [String: Value], _ value: (inout BinaryCopyOutput, Value) -> Void) {
        count(map.count)
        for (key, entry) in map {
            string(key)
            value(&self, entry)
        }
    }

    mutating func strings(_ values: some Collection<String>) {
        count(values.count)
        for value in values { string(value) }
    }

    mutating func durations(_ stats: DurationStats) {
        integer(stats.count)
        double(stats.totalMs)
        double(stats.maxMs)
        count(stats.buckets.count)
        for bucket in stats.buckets { integer(bucket) }
    }

    mutating func latency(_ latency: TraceFigures.RequestLatency) {
        durations(latency.durationMs)
        durations(latency.ttftMs)
        integer(latency.failures)
    }

    mutating func received(_ r: ReceiveCounters) {
        for value in [
            r.metricRequests, r.logRequests, r.dataPointsApplied, r.dataPointsRejected, r.dataPointsDuplicate,
            r.logRecordsApplied, r.logRecordsRejected, r.logRecordsDuplicate, r.traceRequests, r.spansApplied,
            r.spansRejected, r.spansDuplicate,
        ] {
            integer(value)
        }
    }

    mutating func session(_ session: SessionRecord) {
        figures(session.figures)
        u64(session.firstSeen)
        u64(session.lastSeen)
        strings(session.models)
    }
}

extension BinaryCopyInput {
    /// A map whose values `value` reads (it throws only ``BinaryCopyDamage``: closures that
    /// read values are not inferred as throwing one type).
    mutating func map<Value>(_ value: (inout BinaryCopyInput) throws -> Value) throws(BinaryCopyDamage) -> [String: Value] {
        let entries = try count()
        var map = [String: Value](minimumCapacity: entries)
        for _ in 0..<entries {
            let key = try string()
            do {
                map[key] = try value(&self)
            } catch {
                throw BinaryCopyDamage()
            }
        }
        return map
    }

    mutating func stringArray() throws(BinaryCopyDamage) -> [String] {
        let entries = try count()
        var values: [String] = []
        values.reserveCapacity(entries)
        for _ in 0..<entries { values.append(try string()) }
        return values
    }

    mutating func stringSet() throws(BinaryCopyDamage) -> Set<String> { Set(try stringArray()) }

    mutating func durations() throws(BinaryCopyDamage) -> DurationStats {
        var stats = DurationStats()
        stats.count = try integer()
        stats.totalMs = try double()
        stats.maxMs = try double()
        guard try count() == stats.buckets.count else { throw BinaryCopyDamage() }
        for index in stats.buckets.indices { stats.buckets[index] = try integer() }
        return stats
    }

    mutating func latency() throws(BinaryCopyDamage) -> TraceFigures.RequestLatency {
        var latency = TraceFigures.RequestLatency()
        latency.durationMs = try durations()
        latency.ttftMs = try durations()
        latency.failures = try integer()
        return latency
    }

    mutating func received() throws(BinaryCopyDamage) -> ReceiveCounters {
        var r = ReceiveCounters()
        r.metricRequests = try integer()
        r.logRequests = try integer()
        r.dataPointsApplied = try integer()
        r.dataPointsRejected = try integer()
        r.dataPointsDuplicate = try integer()
        r.logRecordsApplied = try integer()
        r.logRecordsRejected = try integer()
        r.logRecordsDuplicate = try integer()
        r.traceRequests = try integer()
        r.spansApplied = try integer()
        r.spansRejected = try integer()
        r.spansDuplicate = try integer()
        return r
    }

    mutating func session() throws(BinaryCopyDamage) -> SessionRecord {
        var session = SessionRecord()
        session.figures = try figures()
        session.firstSeen = try u64()
        session.lastSeen = try u64()
        session.models = try stringArray()
        return session
    }

    mutating func parkedMarks() throws(BinaryCopyDamage) -> ParkedMarks {
        var marks = ParkedMarks()
        for (source, sequence) in try map({ try $0.u64() }) {
            marks.record(source, sequence)
        }
        return marks
    }
}
