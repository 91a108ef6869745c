import Foundation

/// A fixed-size window of the most recent record digests, oldest overwritten first, with
/// set lookup. Stored as base64 of little-endian 64-bit digests in insertion order.
struct RecentDigests: Equatable, Sendable {
    private(set) var ring: [UInt64] = []
    private var next = 0
    private var members: Set<UInt64> = []
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func contains(_ digest: UInt64) -> Bool { members.contains(digest) }

    mutating func insert(_ digest: UInt64) {
        guard !members.contains(digest) else { return }
        if ring.count < capacity {
            ring.append(digest)
        } else {
            members.remove(ring[next])
            ring[next] = digest
            next = (next + 1) % capacity
        }
        members.insert(digest)
    }

    /// Digests oldest first.
    var ordered: [UInt64] { Array(ring[next...] + ring[..<next]) }

    var encoded: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(ring.count * 8)
        for digest in ordered {
            withUnsafeBytes(of: digest.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    init(encoded: String, capacity: Int) throws(RecentDigestsError) {
        self.init(capacity: capacity)
        guard let data = Data(base64Encoded: encoded), data.count % 8 == 0 else { throw RecentDigestsError() }
        let bytes = [UInt8](data)
        var digests: [UInt64] = []
        digests.reserveCapacity(bytes.count / 8)
        for offset in stride(from: 0, to: bytes.count, by: 8) {
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            digests.append(value)
        }
        for digest in digests.suffix(self.capacity) { insert(digest) }
    }
}

struct RecentDigestsError: Error {}
