/// Asks whoever holds the memory for permission before a compressed body grows while it is
/// inflated: a 422 KiB gzip body may become 20 MiB, so what the body will cost is known only
/// as it inflates. ``claim(plainBytes:)`` is called with the decompressed size about to be
/// held (first with the size the stream's trailer announces, then at each chunk beyond it);
/// false stops inflating with ``PayloadError/overMemoryBudget(plainBytes:)``.
package protocol InflationCharge {
    func claim(plainBytes: Int) -> Bool
}

extension Inflater {
    /// The decompressed size a gzip body announces: ISIZE, the last member's length modulo
    /// 2^32 in its last four bytes. Only a hint (a client may lie): it lets a body be refused
    /// before any work, and growth beyond it is still charged chunk by chunk.
    static func announcedSize(_ input: [UInt8], encoding: ContentEncoding) -> Int? {
        guard encoding == .gzip, input.count >= 18 else { return nil }
        let tail = input.suffix(4)
        let start = tail.startIndex
        return Int(tail[start]) | Int(tail[start + 1]) << 8 | Int(tail[start + 2]) << 16 | Int(tail[start + 3]) << 24
    }
}
