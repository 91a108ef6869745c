// zlib: gzip and deflate bodies for the decoders' tests.

import CZlib

package enum CompressionFormat {
    case gzip, zlib, rawDeflate

    package var windowBits: Int32 {
        switch self {
        case .gzip: 15 + 16
        case .zlib: 15
        case .rawDeflate: -15
        }
    }
}

/// Compresses with zlib's deflate in the given container format.
package func compress(_ input: [UInt8], _ format: CompressionFormat, level: Int32 = 9) throws -> [UInt8] {
    var stream = z_stream()
    let status = deflateInit2_(
        &stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
        zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw TestError.unexpected("deflateInit2 failed: \(status)") }
    defer { deflateEnd(&stream) }
    var output = [UInt8]()
    var input = input
    let chunkSize = 64 * 1024
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var result: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { inputBuffer in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = UInt32(inputBuffer.count)
        repeat {
            let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(chunkSize)
                result = deflate(&stream, Z_FINISH)
                return chunkSize - Int(stream.avail_out)
            }
            output.append(contentsOf: chunk[0..<produced])
        } while result == Z_OK
    }
    guard result == Z_STREAM_END else { throw TestError.unexpected("deflate failed: \(result)") }
    return output
}
