import Foundation
import Testing

@testable import TelemetryStore

/// The containers of a document's replay state, each held to the standard one it replaced
/// (`Set`, `Dictionary`, `Array`) through long random runs of the operations the aggregators use.
@Suite("Replay state containers")
struct StateContainerTests {
    /// A small deterministic generator: the runs are the same on every machine.
    struct Numbers {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    @Test("the digest set holds what a Set holds, through inserts, removals, growth and the digest 0")
    func digestSetMatchesSet() {
        var numbers = Numbers(state: 7)
        var set = DigestSet()
        var reference = Set<UInt64>()
        // Few distinct values, so removals and re-insertions meet long probe runs.
        for step in 0..<60_000 {
            let digest = step % 97 == 0 ? 0 : UInt64(numbers.below(3_000)) &* 0x9E37_79B9
            if numbers.below(3) == 0 {
                set.remove(digest)
                reference.remove(digest)
            } else {
                #expect(set.insert(digest) == reference.insert(digest).inserted)
            }
            #expect(set.count == reference.count)
        }
        for probe in 0..<3_000 {
            let digest = UInt64(probe) &* 0x9E37_79B9
            #expect(set.contains(digest) == reference.contains(digest))
        }
        #expect(set.contains(0) == reference.contains(0))
    }

    @Test("a set built in one pass holds what a Set holds, and refuses a digest given twice")
    func digestSetInOnePass() throws {
        var numbers = Numbers(state: 11)
        // 3 000 digests in 8 192 slots: probe runs are certain, whatever the process's seed.
        for withZero in [false, true] {
            var digests = (0..<3_000).map { _ in numbers.next() | 1 }
            if withZero { digests.insert(0, at: 1_500) }
            let reference = Set(digests)
            try #require(reference.count == digests.count)
            var set = try #require(digests.withUnsafeBufferPointer { DigestSet(distinct: $0) })
            #expect(set.count == digests.count)
            for digest in digests { #expect(set.contains(digest)) }
            for _ in 0..<3_000 {
                let absent = numbers.next() | 1
                #expect(set.contains(absent) == reference.contains(absent))
            }
            #expect(set.contains(0) == withZero)
            // Built so, it goes on as a set built by inserts.
            var inserted = DigestSet()
            for digest in digests { inserted.insert(digest) }
            for digest in digests.prefix(1_000) {
                set.remove(digest)
                inserted.remove(digest)
            }
            for digest in digests { #expect(set.contains(digest) == inserted.contains(digest)) }
            #expect(set.insert(digests[0]) && !set.insert(digests[2_000]))
            #expect(set.count == inserted.count + 1)
        }
        for repeated: [UInt64] in [[5, 6, 5], [0, 3, 0], [7, 7]] {
            #expect(repeated.withUnsafeBufferPointer { DigestSet(distinct: $0) } == nil, "\(repeated)")
        }
        let empty = try #require([UInt64]().withUnsafeBufferPointer { DigestSet(distinct: $0) })
        #expect(empty.count == 0 && !empty.contains(0) && !empty.contains(5))
    }

    @Test("a window built from its packed form answers membership as the window it was packed from")
    func recentDigestsRoundTrip() {
        var window = RecentDigests(capacity: 64)
        for index in 1...200 { window.insert(UInt64(index) << 20, at: UInt64(index)) }
        let packed = window.packed(last: window.count)
        var read = packed.withUnsafeBytes { RecentDigests(packed: $0, capacity: 64) }
        #expect(read == window)
        let held = (1...200).filter { read.contains(UInt64($0) << 20) }
        #expect(held == Array(137...200))
    }

    @Test("a series' point digests keep the newest, at most the limit and never more than eight")
    func pointDigestsKeepTheNewest() {
        var digests = PointDigests()
        var reference: [UInt64] = []
        var numbers = Numbers(state: 3)
        for step in 0..<500 {
            let limit = [1, 3, 8, 20][step / 125]
            let digest = numbers.next()
            digests.append(digest, keepingAtMost: limit)
            reference.append(digest)
            reference = Array(reference.suffix(min(limit, PointDigests.capacity)))
            #expect(Array(digests) == reference)
            #expect(digests.contains(digest))
        }
        #expect(!digests.contains(reference[0] &+ 1))
        #expect(PointDigests(Array(1...12)) == PointDigests(Array(5...12)))
        #expect(Array(PointDigests(Array(1...12))) == Array(5...12))
    }

    func state(_ numbers: inout Numbers) -> SeriesState {
        var state = SeriesState()
        state.start = numbers.next()
        state.time = numbers.next()
        state.value = Double(numbers.below(1_000_000))
        state.count = Double(numbers.below(3))
        state.touched = numbers.next()
        state.seen = UInt64(numbers.below(1_000))
        for _ in 0..<numbers.below(10) { state.recent.append(numbers.next(), keepingAtMost: 8) }
        return state
    }

    @Test("a series map read from its table, then changed, holds what a Dictionary holds; its table reads back equal")
    func seriesMapMatchesDictionary() throws {
        var numbers = Numbers(state: 11)
        var reference: [UInt64: SeriesState] = [:]
        for _ in 0..<500 { reference[UInt64(numbers.below(2_000))] = state(&numbers) }
        var map = try SeriesMap(packed: SeriesMap(reference).packed())
        #expect(map == SeriesMap(reference))
        for _ in 0..<5_000 {
            let id = UInt64(numbers.below(2_000))
            switch numbers.below(4) {
            case 0: #expect(map.removeValue(forKey: id) == reference.removeValue(forKey: id))
            case 1: #expect(map[id] == reference[id])
            default:
                let new = state(&numbers)
                map[id] = new
                reference[id] = new
            }
            #expect(map.count == reference.count)
        }
        var listed: [UInt64: SeriesState] = [:]
        for (id, state) in map {
            #expect(listed.updateValue(state, forKey: id) == nil, "an id listed twice")
        }
        #expect(listed == reference)
        #expect(Set(map.ids { seen, _ in seen < 500 }) == Set(reference.filter { $0.value.seen < 500 }.keys))
        // The table written from the changed map is sorted and whole, and reads back equal.
        let reread = try SeriesMap(packed: map.packed())
        #expect(reread == map)
        #expect(Dictionary(uniqueKeysWithValues: reread.map { ($0.key, $0.value) }) == reference)
    }

    @Test("removing many series at once, in increasing order or not, leaves what removing them one by one leaves")
    func seriesMapRemovesMany() throws {
        var numbers = Numbers(state: 13)
        var reference: [UInt64: SeriesState] = [:]
        for _ in 0..<600 { reference[UInt64(numbers.below(3_000))] = state(&numbers) }
        let table = SeriesMap(reference).packed()
        for round in 0..<40 {
            var map = try SeriesMap(packed: table)
            var expected = reference
            // Some set again after the load (in `changed`, their table entries shadowed), some new.
            for _ in 0..<numbers.below(50) {
                let id = UInt64(numbers.below(3_000))
                let new = state(&numbers)
                map[id] = new
                expected[id] = new
            }
            // Ids in the table, set since, and absent; sorted in even rounds, as they come in odd
            // ones, and with repeats.
            var ids = (0..<numbers.below(700)).map { _ in UInt64(numbers.below(3_000)) }
            if round % 2 == 0 { ids.sort() }
            map.removeAll(ids)
            for id in ids { expected.removeValue(forKey: id) }
            #expect(map.count == expected.count, "round \(round)")
            #expect(map == SeriesMap(expected), "round \(round)")
            #expect(try SeriesMap(packed: map.packed()) == SeriesMap(expected))
            // Removed ones can be set again, and count once.
            if let id = ids.first {
                map[id] = state(&numbers)
                #expect(map.count == expected.count + 1)
            }
        }
    }

    @Test("a series table out of order, cut inside an entry, or with an implausible reading is refused")
    func seriesTableRefusals() throws {
        var numbers = Numbers(state: 5)
        var first = state(&numbers)
        first.recent = PointDigests([1])
        let one = SeriesMap([1: first]).packed()
        let two = SeriesMap([2: first]).packed()
        #expect(try SeriesMap(packed: one + two).count == 2)
        #expect(throws: AggregateCodingError.self) { try SeriesMap(packed: two + one) }
        #expect(throws: AggregateCodingError.self) { try SeriesMap(packed: one + two.dropLast()) }
        var implausible = first
        implausible.value = -1
        #expect(throws: AggregateCodingError.self) { try SeriesMap(packed: SeriesMap([1: implausible]).packed()) }
    }

    func models(_ numbers: inout Numbers) -> [String: Figures] {
        var models: [String: Figures] = [:]
        for _ in 0..<(1 + numbers.below(3)) {
            var figures = Figures()
            figures[.costFromEvents] = Double(numbers.below(100)) / 4
            figures[.inputTokensFromEvents] = Double(numbers.below(10_000))
            models["model-\(numbers.below(5))"] = figures
        }
        return models
    }

    @Test("day model maps read in place from the copy's section, then changed, hold what a Dictionary holds")
    func dayModelMapsMatchDictionary() throws {
        var numbers = Numbers(state: 13)
        var reference: [String: [String: Figures]] = [:]
        for day in 0..<400 { reference["2025-\(day)"] = models(&numbers) }
        var output = BinaryCopyOutput(capacity: 0)
        PackedMap(reference).write(to: &output)
        output.u64(42)
        var maps = try output.bytes.withUnsafeBytes { raw in
            try Result { () throws(BinaryCopyDamage) -> PackedMap<[String: Figures]> in
                var input = BinaryCopyInput(raw, from: 0)
                let maps = try PackedMap<[String: Figures]>(reading: &input)
                // The section is read whole, and only it.
                #expect(try input.u64() == 42)
                return maps
            }.get()
        }
        #expect(maps == PackedMap<[String: Figures]>(reference))
        for _ in 0..<3_000 {
            let day = "2025-\(numbers.below(500))"
            switch numbers.below(4) {
            case 0: #expect(maps.removeValue(forKey: day) == reference.removeValue(forKey: day))
            case 1: #expect(maps[day] == reference[day])
            default:
                let figure = Double(numbers.below(7))
                maps[day, default: [:]]["model-x", default: Figures()][.costFromEvents] += figure
                reference[day, default: [:]]["model-x", default: Figures()][.costFromEvents] += figure
            }
            #expect(maps.count == reference.count)
        }
        #expect(maps.keys.sorted() == reference.keys.sorted())
        #expect(Dictionary(uniqueKeysWithValues: maps.map { ($0.key, $0.value) }) == reference)
        // Written again (the table's untouched entries copied as they are) and read back.
        var again = BinaryCopyOutput(capacity: 0)
        maps.write(to: &again)
        let reread = try again.bytes.withUnsafeBytes { raw in
            try Result { () throws(BinaryCopyDamage) -> PackedMap<[String: Figures]> in
                var input = BinaryCopyInput(raw, from: 0)
                return try PackedMap(reading: &input)
            }.get()
        }
        #expect(reread == maps && reread.count == reference.count)
        // A section cut short is refused.
        #expect(throws: BinaryCopyDamage.self) {
            try output.bytes.dropLast(12).withUnsafeBytes { raw in
                try Result { () throws(BinaryCopyDamage) -> PackedMap<[String: Figures]> in
                    var input = BinaryCopyInput(raw, from: 0)
                    return try PackedMap<[String: Figures]>(reading: &input)
                }.get()
            }
        }
    }

    @Test("a section in no key order (as written before the order) is found by scan and written back in byte order")
    func unorderedSectionWrittenInOrder() throws {
        var numbers = Numbers(state: 17)
        var reference: [String: [String: Figures]] = [:]
        for ordinal in 0..<60 { reference[dayKey(ordinal)] = models(&numbers) }
        reference["session-é"] = models(&numbers)
        reference["session-z"] = models(&numbers)
        // Keys newest first, then the sessions: not in byte order.
        let unordered = reference.keys.sorted(by: >)
        var output = BinaryCopyOutput(capacity: 0)
        output.count(unordered.count)
        for key in unordered {
            output.string(key)
            reference[key]!.write(to: &output)
        }
        func read(_ bytes: [UInt8]) throws -> PackedMap<[String: Figures]> {
            try bytes.withUnsafeBytes { raw in
                try Result { () throws(BinaryCopyDamage) -> PackedMap<[String: Figures]> in
                    var input = BinaryCopyInput(raw, from: 0)
                    return try PackedMap<[String: Figures]>(reading: &input)
                }.get()
            }
        }
        /// The keys of a section in the order they are stored.
        func storedKeys(_ bytes: [UInt8]) throws -> [String] {
            try bytes.withUnsafeBytes { raw in
                try Result { () throws(BinaryCopyDamage) -> [String] in
                    var input = BinaryCopyInput(raw, from: 0)
                    var keys: [String] = []
                    for _ in 0..<(try input.count()) {
                        keys.append(try input.string())
                        try [String: Figures].skip(&input)
                    }
                    return keys
                }.get()
            }
        }
        var maps = try read(output.bytes)
        for key in reference.keys { #expect(maps[key] == reference[key], "\(key)") }
        #expect(maps[dayKey(60)] == nil)
        // Changed (one set again, one removed, one new), then written: in byte order, and equal.
        maps[dayKey(3), default: [:]]["model-y", default: Figures()][.costFromEvents] += 1
        reference[dayKey(3), default: [:]]["model-y", default: Figures()][.costFromEvents] += 1
        maps.removeValue(forKey: dayKey(7))
        reference.removeValue(forKey: dayKey(7))
        maps[dayKey(70)] = models(&numbers)
        reference[dayKey(70)] = maps[dayKey(70)]
        var again = BinaryCopyOutput(capacity: 0)
        maps.write(to: &again)
        let keys = try storedKeys(again.bytes)
        #expect(keys == reference.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        var reread = try read(again.bytes)
        #expect(reread == maps)
        for key in reference.keys { #expect(reread[key] == reference[key], "\(key)") }
        // And changed again in order (a table in order merges what was set since into it).
        reread[dayKey(1)] = nil
        reread["session-a"] = models(&numbers)
        reread["2024-12-31"] = models(&numbers)
        var third = BinaryCopyOutput(capacity: 0)
        reread.write(to: &third)
        let thirdKeys = try storedKeys(third.bytes)
        #expect(thirdKeys == thirdKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(thirdKeys.count == reference.count + 1)
        #expect(try read(third.bytes) == reread)
    }

    @Test("the keys and entries from a key on are those of the Dictionary at or after it, in the table or changed")
    func entriesFromAKeyOn() throws {
        var numbers = Numbers(state: 29)
        var reference: [String: [String: Figures]] = [:]
        for ordinal in 0..<120 { reference[dayKey(ordinal)] = models(&numbers) }
        var output = BinaryCopyOutput(capacity: 0)
        PackedMap(reference).write(to: &output)
        var maps = try output.bytes.withUnsafeBytes { raw in
            try Result { () throws(BinaryCopyDamage) -> PackedMap<[String: Figures]> in
                var input = BinaryCopyInput(raw, from: 0)
                return try PackedMap<[String: Figures]>(reading: &input)
            }.get()
        }
        // Changed after reading: some set again, some removed, some new (kept aside, not in the table).
        for ordinal in stride(from: 3, to: 140, by: 7) {
            let day = dayKey(ordinal)
            if ordinal % 2 == 0 {
                maps.removeValue(forKey: day)
                reference.removeValue(forKey: day)
            } else {
                maps[day, default: [:]]["model-y", default: Figures()][.costFromEvents] += 1
                reference[day, default: [:]]["model-y", default: Figures()][.costFromEvents] += 1
            }
        }
        for lowest in [nil, "2025-01-01", dayKey(0), dayKey(59), "2025-03-01x", dayKey(119), dayKey(135), "2026"] {
            let expected = reference.filter { entry in lowest.map { entry.key >= $0 } ?? true }
            #expect(maps.keys(from: lowest).sorted() == expected.keys.sorted(), "from \(lowest ?? "nil")")
            let entries = maps.entries(from: lowest)
            #expect(entries.count == expected.count, "from \(lowest ?? "nil")")
            #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) }) == expected)
            // `wanted` still applies after the bound.
            let odd = maps.entries(from: lowest) { $0.hasSuffix("1") }
            #expect(Set(odd.map(\.key)) == Set(expected.keys.filter { $0.hasSuffix("1") }))
        }
    }

    /// The day key `ordinal` days after 2025-01-01.
    func dayKey(_ ordinal: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_735_689_600 + Double(ordinal) * 86_400)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
