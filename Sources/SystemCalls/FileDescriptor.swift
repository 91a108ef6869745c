/// A thin owner of a POSIX file descriptor: every call retries `EINTR` and throws ``Errno``.
/// The caller closes it; nothing here is shared between threads.
package struct FileDescriptor {
    package let rawValue: Int32

    package init(rawValue: Int32) { self.rawValue = rawValue }

    package static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o640) throws(Errno) -> FileDescriptor {
        let fd = try retryingOnInterrupt { systemOpen(path, flags | O_CLOEXEC, permissions) }
        return FileDescriptor(rawValue: fd)
    }

    package func close() {
        _ = systemClose(rawValue)
    }

    /// Reads the whole file from the current offset to EOF.
    package func readAll(sizeHint: Int = 0) throws(Errno) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(max(sizeHint, 4096))
        var chunk = [UInt8](repeating: 0, count: max(sizeHint + 1, 65536))
        while true {
            let count = try retryingOnInterrupt {
                chunk.withUnsafeMutableBytes { raw in systemRead(rawValue, raw.baseAddress, raw.count) }
            }
            if count == 0 { return buffer }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes every byte, looping over short writes.
    package func writeAll(_ bytes: some Collection<UInt8>) throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let written = try retryingOnInterrupt {
                array.withUnsafeBytes { raw in systemWrite(rawValue, raw.baseAddress! + offset, raw.count - offset) }
            }
            offset += written
        }
    }

    /// Reads `count` bytes from `offset` (fewer at end of file).
    package func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = try retryingOnInterrupt {
                buffer.withUnsafeMutableBytes { raw in
                    pread(rawValue, raw.baseAddress! + done, count - done, off_t(offset + done))
                }
            }
            if got == 0 { break }
            done += got
        }
        if done < count { buffer.removeLast(count - done) }
        return buffer
    }

    /// Writes every byte at `offset`, looping over short writes.
    package func write(_ bytes: [UInt8], at offset: Int) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let written = try retryingOnInterrupt {
                bytes.withUnsafeBytes { raw in pwrite(rawValue, raw.baseAddress! + done, raw.count - done, off_t(offset + done)) }
            }
            done += written
        }
    }

    package func truncate(to length: Int) throws(Errno) {
        try retryingOnInterrupt { ftruncate(rawValue, off_t(length)) }
    }

    /// `fdatasync`: the data and the file's size, which is all an append changes.
    package func syncData() throws(Errno) {
        try retryingOnInterrupt { fdatasync(rawValue) }
    }

    package func sync() throws(Errno) {
        try retryingOnInterrupt { fsync(rawValue) }
    }

    package func status() throws(Errno) -> stat {
        var info = stat()
        try retryingOnInterrupt { fstat(rawValue, &info) }
        return info
    }
}
