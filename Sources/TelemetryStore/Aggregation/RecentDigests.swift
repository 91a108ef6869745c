import TelemetryDecoding

/// The digests of recently applied log records, each with the time it was received, oldest
/// first, with set lookup. Bounded twice: by count (the oldest goes first) and by age
/// (``AggregationLimits/replayWindowSeconds``): exporters retry a batch within minutes, so
/// older digests only make the document bigger.
///
/// Stored as base64 of 12-byte entries: the little-endian 64-bit digest, then the receive time
/// in seconds as a little-endian 32-bit number.
///
/// Entries leave from the front through `head`, and the arrays are compacted only once the
/// dead prefix is as long as the capacity: a full window then costs O(1) per insert instead of
/// shifting every entry.
struct RecentDigests: Sendable {
    private var digests: [UInt64] = []
    private var seconds: [UInt32] = []
    /// Index of the oldest live entry; `digests[..<head]` are gone.
    private var head = 0
    /// The live digests as a set; nil until a look-up or an insert needs it. A window read from
    /// a binary copy and the journal's replays onto it are entries only: a writer whose request
    /// never looks a digest up (a metrics request and the records window) builds no set, and
    /// one that does builds it once after the replays instead of inserting and removing each
    /// replayed digest (together a twentieth of a year-old user's write whose document was not
    /// cached).
    private var members: DigestSet?
    /// Entries inserted since this value was made (not stored): a journal record names the
    /// entries one update appended as the last `inserted - before.inserted` live ones.
    private(set) var inserted = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        members = DigestSet()
    }

    mutating func contains(_ digest: UInt64) -> Bool { withMembers { $0.contains(digest) } }

    var count: Int { digests.count - head }

    /// The digests, oldest first.
    var ordered: [UInt64] { Array(digests[head...]) }

    mutating func insert(_ digest: UInt64, at receivedSeconds: UInt64 = 0) {
        guard withMembers({ $0.insert(digest) }) else { return }
        digests.append(digest)
        seconds.append(UInt32(clamping: receivedSeconds))
        inserted += 1
        if count > capacity { removeOldest(count - capacity) }
    }

    /// Forgets digests received before `cutoffSeconds`.
    mutating func prune(receivedBefore cutoffSeconds: UInt64) {
        let cutoff = UInt32(clamping: cutoffSeconds)
        var end = head
        while end < seconds.count && seconds[end] < cutoff { end += 1 }
        if end > head { removeOldest(end - head) }
    }

    private mutating func removeOldest(_ removed: Int) {
        if members != nil {
            for digest in digests[head..<head + removed] { members!.remove(digest) }
        }
        head += removed
        if head >= capacity || head == digests.count {
            digests.removeFirst(head)
            seconds.removeFirst(head)
            head = 0
        }
    }

    /// Runs `body` on the set of the live digests, built first when there is none yet.
    private mutating func withMembers<Result>(_ body: (inout DigestSet) -> Result) -> Result {
        if members == nil {
            let live = digests[head...]
            // A window this service wrote holds each digest once; a repeated one (a copy made
            // by hand) is in the set once, and leaves it with its oldest entry.
            members =
                live.withUnsafeBufferPointer { DigestSet(distinct: $0) }
                ?? {
                    var set = DigestSet(minimumCapacity: live.count + 1)
                    for digest in live { set.insert(digest) }
                    return set
                }()
        }
        return body(&members!)
    }

    /// Bytes of heap the window takes (see ``AggregateDocument/estimatedMemoryBytes``): 120 per
    /// entry, the size that kept the benchmark kit's RSS flat. An entry's 12 bytes, its slot and
    /// the arrays' and the set's spare room come to about 30; the cache's own turnover (blocks
    /// freed into the heap and not handed back) is the rest. Counted by entries, not capacities:
    /// those follow the blocks malloc happened to hand out, and equal documents would differ.
    var estimatedMemoryBytes: Int { count * 120 }

    /// Appends the base64 form (without quotes) to `output`.
    func encode(appendingTo output: inout [UInt8]) {
        encode(last: count, appendingTo: &output)
    }

    /// Appends the base64 form of the newest `last` entries, oldest first.
    func encode(last: Int, appendingTo output: inout [UInt8]) {
        packed(last: last).withUnsafeBufferPointer { Base64.encode($0, appendingTo: &output) }
    }

    /// The newest `last` entries as 12-byte entries, oldest first (the binary copy stores them so).
    func packed(last: Int) -> [UInt8] {
        let taken = min(last, count)
        let first = digests.count - taken
        var packed = [UInt8](repeating: 0, count: taken * 12)
        packed.withUnsafeMutableBytes { raw in
            for index in 0..<taken {
                raw.storeBytes(of: digests[first + index].littleEndian, toByteOffset: index * 12, as: UInt64.self)
                raw.storeBytes(of: seconds[first + index].littleEndian, toByteOffset: index * 12 + 8, as: UInt32.self)
            }
        }
        return packed
    }

    /// Replays one journalled update: the update removed entries from the front and appended
    /// `appended` (12-byte entries, oldest first), leaving `count` entries. Entries only ever
    /// leave from the front, so the front is cut first and the new entries go in after.
    mutating func replay(appended packed: [UInt8], count expected: Int) throws(RecentDigestsError) {
        guard packed.count % 12 == 0 else { throw RecentDigestsError() }
        // An update appends distinct new digests, at most the capacity (the journal names the
        // live ones); a record that says otherwise ends with the wrong count and is refused.
        let added = packed.count / 12
        guard expected >= added, expected <= count + added else { throw RecentDigestsError() }
        let removed = count + added - expected
        if removed > 0 { removeOldest(removed) }
        packed.withUnsafeBytes { raw in
            for index in 0..<added {
                let digest = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12, as: UInt64.self))
                let received = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12 + 8, as: UInt32.self))
                if members != nil {
                    insert(digest, at: UInt64(received))
                } else {
                    // No set yet: the entries go in as the update appended them (each new to
                    // the window then), and the set is built from them when first needed.
                    digests.append(digest)
                    seconds.append(received)
                    inserted += 1
                }
            }
        }
        if count > capacity { removeOldest(count - capacity) }
        guard count == expected else { throw RecentDigestsError() }
    }

    var encoded: String {
        var text = [UInt8]()
        encode(appendingTo: &text)
        return String(decoding: text, as: UTF8.self)
    }

    init(encoded: String, capacity: Int) throws(RecentDigestsError) {
        var text = encoded
        guard let packed = text.withUTF8({ Base64.decode($0) }), packed.count % 12 == 0 else { throw RecentDigestsError() }
        self = packed.withUnsafeBytes { RecentDigests(packed: $0, capacity: capacity) }
    }

    /// Entries as ``packed(last:)`` lays them out (whole 12-byte entries: callers check).
    init(packed raw: UnsafeRawBufferPointer, capacity: Int) {
        let (digests, seconds) = Self.unpack(raw)
        // A window as this service writes it: within the capacity, each digest once.
        if digests.count <= capacity, let members = digests.withUnsafeBufferPointer({ DigestSet(distinct: $0) }) {
            self.init(capacity: capacity)
            (self.digests, self.seconds, self.members, inserted) = (digests, seconds, members, digests.count)
            return
        }
        self.init(arriving: digests, at: seconds, capacity: capacity)
    }

    /// Entries of a window this service wrote (a binary copy's, checksummed): within the
    /// capacity and each digest once, so they are taken as they are and their set is built
    /// when first needed (see `members`). A longer window is read entry by entry.
    init(written raw: UnsafeRawBufferPointer, capacity: Int) {
        let (digests, seconds) = Self.unpack(raw)
        guard digests.count <= capacity else {
            self.init(arriving: digests, at: seconds, capacity: capacity)
            return
        }
        self.init(capacity: capacity)
        (self.digests, self.seconds, members, inserted) = (digests, seconds, nil, digests.count)
    }

    /// Entry by entry, as they arrived (a repeat kept once, the oldest let go).
    private init(arriving digests: [UInt64], at seconds: [UInt32], capacity: Int) {
        self.init(capacity: capacity)
        self.digests.reserveCapacity(digests.count)
        self.seconds.reserveCapacity(digests.count)
        members = DigestSet(minimumCapacity: min(digests.count, self.capacity) + 1)
        for index in digests.indices { insert(digests[index], at: UInt64(seconds[index])) }
    }

    private static func unpack(_ raw: UnsafeRawBufferPointer) -> (digests: [UInt64], seconds: [UInt32]) {
        let entries = raw.count / 12
        let digests = [UInt64](unsafeUninitializedCapacity: entries) { buffer, initialized in
            for index in 0..<entries {
                buffer[index] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12, as: UInt64.self))
            }
            initialized = entries
        }
        let seconds = [UInt32](unsafeUninitializedCapacity: entries) { buffer, initialized in
            for index in 0..<entries {
                buffer[index] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 12 + 8, as: UInt32.self))
            }
            initialized = entries
        }
        return (digests, seconds)
    }
}

extension RecentDigests: Equatable {
    /// Equal when the live entries (digest and time, in order) are: the dead prefix and the
    /// set's layout are not part of the value.
    static func == (lhs: RecentDigests, rhs: RecentDigests) -> Bool {
        lhs.capacity == rhs.capacity && lhs.digests[lhs.head...] == rhs.digests[rhs.head...]
            && lhs.seconds[lhs.head...] == rhs.seconds[rhs.head...]
    }
}

struct RecentDigestsError: Error {}
