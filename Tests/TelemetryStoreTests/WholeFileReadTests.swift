import Foundation
import SystemCalls
import TelemetryTesting
import Testing

/// `FileDescriptor.readAll(sizeHint:)` reads into one uninitialized buffer sized by the hint:
/// every byte comes back exactly, whether the hint is the size, too small (the file grew after
/// `fstat`), too large, or none.
@Suite("Reading a whole file")
struct WholeFileReadTests {
    /// Bytes that differ at every position, so a byte read twice or skipped shows.
    static func content(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) } }

    @Test(
        "every size and hint reads the file exactly",
        arguments: [0, 1, 115, 1023, 1024, 1025, 65_536, 300_001])
    func readsExactly(size: Int) throws {
        try withTemporaryDirectory { root in
            let path = root + "/file"
            let bytes = Self.content(size)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for hint in Set([0, size, max(0, size - 1), size / 3, size + 1, size * 2 + 10]) {
                let fd = try FileDescriptor.open(path, .readOnly)
                defer { fd.closeIgnoringErrors() }
                #expect(try fd.readAll(sizeHint: hint) == bytes, "size \(size), hint \(hint)")
            }
        }
    }

    @Test("reads from the descriptor's offset to the end")
    func readsFromTheOffset() throws {
        try withTemporaryDirectory { root in
            let path = root + "/file"
            let bytes = Self.content(5_000)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let fd = try FileDescriptor.open(path, .readOnly)
            defer { fd.closeIgnoringErrors() }
            _ = try fd.seek(offset: 1_200, from: .start)
            #expect(try fd.readAll(sizeHint: 5_000) == Array(bytes[1_200...]))
        }
    }
}
