import CZlib

/// Decompresses gzip / zlib / raw-deflate bodies with a hard output limit, checked while
/// inflating: a small "bomb" stops at the limit instead of filling memory first.
enum Inflater {
    /// `charge`, when given, is asked before the output grows (see ``InflationCharge``).
    static func inflate(
        _ input: [UInt8], encoding: ContentEncoding, limit: Int, charge: (any InflationCharge)? = nil
    ) throws(PayloadError) -> [UInt8] {
        switch encoding {
        case .identity:
            return input
        case .gzip:
            return try run(input, windowBits: 15 + 16, limit: limit, charge: charge)
        case .deflate:
            // RFC 9110 "deflate" is the zlib format, but some clients send raw deflate.
            if input.count >= 2, (UInt16(input[0]) << 8 | UInt16(input[1])) % 31 == 0, input[0] & 0x0F == 8 {
                return try run(input, windowBits: 15, limit: limit, charge: charge)
            }
            return try run(input, windowBits: -15, limit: limit, charge: charge)
        }
    }

    private static func run(
        _ input: [UInt8], windowBits: Int32, limit: Int, charge: (any InflationCharge)?
    ) throws(PayloadError) -> [UInt8] {
        guard !input.isEmpty else { throw .invalidCompression("empty compressed body") }
        // What has been granted so far: the announced size up front (refused before any work
        // when even that does not fit), then each chunk beyond it.
        var granted = 0
        if let charge {
            let announced = min(limit, announcedSize(input, encoding: windowBits > 15 ? .gzip : .deflate) ?? 0)
            if announced > 0 {
                guard charge.claim(plainBytes: announced) else { throw .overMemoryBudget(plainBytes: announced) }
                granted = announced
            }
        }
        var stream = z_stream()
        guard czlib_inflate_init2(&stream, windowBits) == Z_OK else {
            throw .invalidCompression("zlib could not start")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8]()
        output.reserveCapacity(min(limit, max(granted, input.count * 4, 4096)))
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var status: Int32 = Z_OK
        var remainingInput = input
        let result: Result<Void, PayloadError> = remainingInput.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                if status == Z_BUF_ERROR {
                    // No progress was possible: the input ended before the stream did.
                    if produced == 0 { return .failure(.invalidCompression("truncated stream")) }
                } else if status != Z_OK && status != Z_STREAM_END {
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(.invalidCompression(message))
                }
                if output.count + produced > limit {
                    return .failure(.tooLarge(limit: limit, decompressed: true))
                }
                if let charge, output.count + produced > granted {
                    // Ask for the next chunk's worth ahead, so a long body asks once per chunk.
                    let wanted = min(limit, output.count + max(produced, chunkSize))
                    guard charge.claim(plainBytes: wanted) else {
                        return .failure(.overMemoryBudget(plainBytes: wanted))
                    }
                    granted = wanted
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END {
                    // Concatenated gzip members are legal; anything else after the end is not.
                    if stream.avail_in > 0 && windowBits > 15 {
                        if inflateReset(&stream) != Z_OK { return .failure(.invalidCompression("bad member")) }
                        continue
                    }
                    if stream.avail_in > 0 { return .failure(.invalidCompression("trailing bytes after the stream")) }
                    return .success(())
                }
            }
        }
        try result.get()
        return output
    }
}
