/// A set of 64-bit digests by open addressing (linear probing, deletion by backward shift).
///
/// The replay windows hold thousands of digests, each a hash already, and a writer that loads a
/// user from its files builds the set anew: `Set<UInt64>` hashed each one again (SipHash) and
/// allocated as it grew, a twentieth of a year-old user's write. Buckets come from the digest
/// mixed with a per-process seed, so crafted records cannot aim at one bucket.
struct DigestSet: Sendable {
    /// Zero marks an empty slot; the digest 0 is kept aside.
    private var slots: [UInt64]
    private var holdsZero = false
    private(set) var count = 0
    private var shift: UInt64

    private static let seed = UInt64.random(in: .min ... .max)

    /// No slots until the first insert: a window read from a file gets its set at once, with
    /// room for all its digests.
    init(minimumCapacity: Int = 0) {
        guard minimumCapacity > 0 else {
            slots = []
            shift = 64
            return
        }
        // At most half full: short probe sequences.
        var bits: UInt64 = 4
        while (1 << bits) < minimumCapacity * 2 { bits += 1 }
        slots = [UInt64](repeating: 0, count: 1 << bits)
        shift = 64 - bits
    }

    /// The set of `digests`, built in one pass with its slots written in place: what a window
    /// read from a file needs (inserting one by one checked each slot array's uniqueness and
    /// room per digest, most of a cold write's replay-window load). Nil when a digest is there
    /// twice, which no window this service writes holds.
    init?(distinct digests: UnsafeBufferPointer<UInt64>) {
        self.init(minimumCapacity: digests.count + 1)
        let shift = self.shift
        var holdsZero = false
        let distinct = slots.withUnsafeMutableBufferPointer { slots -> Bool in
            for digest in digests {
                if digest == 0 {
                    if holdsZero { return false }
                    holdsZero = true
                    continue
                }
                let (index, found) = Self.slot(of: digest, in: UnsafeBufferPointer(slots), shift: shift)
                if found { return false }
                slots[index] = digest
            }
            return true
        }
        guard distinct else { return nil }
        self.holdsZero = holdsZero
        count = digests.count
    }

    private var mask: Int { slots.count - 1 }

    private func home(_ digest: UInt64) -> Int { Self.home(digest, shift: shift) }

    private static func home(_ digest: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: ((digest ^ seed) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `digest`, or the empty slot where it would go.
    private func slot(of digest: UInt64) -> (index: Int, found: Bool) {
        slots.withUnsafeBufferPointer { Self.slot(of: digest, in: $0, shift: shift) }
    }

    /// The probe every look-up and insert shares: from the digest's home slot to it, or to the
    /// first empty slot (`slots` never full).
    private static func slot(
        of digest: UInt64, in slots: UnsafeBufferPointer<UInt64>, shift: UInt64
    ) -> (index: Int, found: Bool) {
        let mask = slots.count - 1
        var index = home(digest, shift: shift)
        while true {
            let held = slots[index]
            if held == digest { return (index, true) }
            if held == 0 { return (index, false) }
            index = (index + 1) & mask
        }
    }

    func contains(_ digest: UInt64) -> Bool {
        if digest == 0 { return holdsZero }
        return !slots.isEmpty && slot(of: digest).found
    }

    /// Adds `digest`; false when it was there already.
    @discardableResult
    mutating func insert(_ digest: UInt64) -> Bool {
        if digest == 0 {
            if holdsZero { return false }
            holdsZero = true
            count += 1
            return true
        }
        if (count + 1) * 2 > slots.count { grow() }
        let (index, found) = slot(of: digest)
        if found { return false }
        slots[index] = digest
        count += 1
        return true
    }

    mutating func remove(_ digest: UInt64) {
        if digest == 0 {
            if holdsZero { count -= 1 }
            holdsZero = false
            return
        }
        guard !slots.isEmpty else { return }
        var (hole, found) = slot(of: digest)
        guard found else { return }
        count -= 1
        slots[hole] = 0
        // Moves back every later entry of the run that may no longer be reached past the hole.
        var next = hole
        while true {
            next = (next + 1) & mask
            let held = slots[next]
            if held == 0 { return }
            let wanted = home(held)
            let reachable = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
            if reachable { continue }
            slots[hole] = held
            slots[next] = 0
            hole = next
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: Swift.max(16, old.count * 2))
        shift = 64 - UInt64(slots.count.trailingZeroBitCount)
        for digest in old where digest != 0 { slots[slot(of: digest).index] = digest }
    }
}
