import Foundation

/// The digests of recently applied log records, each with the time it was received, oldest
/// first, with set lookup. Bounded twice: by count (the oldest goes first) and by age
/// (``AggregationLimits/replayWindowSeconds``): exporters retry a batch within minutes, so
/// older digests only make the document bigger.
///
/// Stored as base64 of 12-byte entries: the little-endian 64-bit digest, then the receive time
/// in seconds as a little-endian 32-bit number.
struct RecentDigests: Equatable, Sendable {
    private var digests: [UInt64] = []
    private var seconds: [UInt32] = []
    private var members: Set<UInt64> = []
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func contains(_ digest: UInt64) -> Bool { members.contains(digest) }

    /// The digests, oldest first.
    var ring: [UInt64] { digests }
    var ordered: [UInt64] { digests }

    mutating func insert(_ digest: UInt64, at receivedSeconds: UInt64 = 0) {
        guard !members.contains(digest) else { return }
        digests.append(digest)
        seconds.append(UInt32(clamping: receivedSeconds))
        members.insert(digest)
        if digests.count > capacity { removeOldest(digests.count - capacity) }
    }

    /// Forgets digests received before `cutoffSeconds`.
    mutating func prune(receivedBefore cutoffSeconds: UInt64) {
        let cutoff = UInt32(clamping: cutoffSeconds)
        var count = 0
        while count < seconds.count && seconds[count] < cutoff { count += 1 }
        if count > 0 { removeOldest(count) }
    }

    private mutating func removeOldest(_ count: Int) {
        for digest in digests[..<count] { members.remove(digest) }
        digests.removeFirst(count)
        seconds.removeFirst(count)
    }

    var encoded: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(digests.count * 12)
        for index in digests.indices {
            withUnsafeBytes(of: digests[index].littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: seconds[index].littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    init(encoded: String, capacity: Int) throws(RecentDigestsError) {
        self.init(capacity: capacity)
        guard let data = Data(base64Encoded: encoded), data.count % 12 == 0 else { throw RecentDigestsError() }
        let bytes = [UInt8](data)
        for offset in stride(from: 0, to: bytes.count, by: 12) {
            var digest: UInt64 = 0
            for index in 0..<8 { digest |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            var received: UInt64 = 0
            for index in 0..<4 { received |= UInt64(bytes[offset + 8 + index]) << (8 * UInt64(index)) }
            insert(digest, at: received)
        }
    }
}

struct RecentDigestsError: Error {}
