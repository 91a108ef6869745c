import SystemCalls

/// A thin owner of a POSIX file descriptor: every call retries `EINTR` and throws ``Errno``.
/// The caller closes it; nothing here is shared between threads.
struct FileDescriptor {
    let rawValue: Int32

    static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o640) throws(Errno) -> FileDescriptor {
        let fd = try retryingOnInterrupt { Glibc.open(path, flags | O_CLOEXEC, permissions) }
        return FileDescriptor(rawValue: fd)
    }

    func close() {
        _ = Glibc.close(rawValue)
    }

    /// Reads the whole file from the current offset to EOF.
    func readAll(sizeHint: Int = 0) throws(Errno) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(max(sizeHint, 4096))
        var chunk = [UInt8](repeating: 0, count: max(sizeHint + 1, 65536))
        while true {
            let count = try retryingOnInterrupt {
                chunk.withUnsafeMutableBytes { raw in Glibc.read(rawValue, raw.baseAddress, raw.count) }
            }
            if count == 0 { return buffer }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes every byte, looping over short writes.
    func writeAll(_ bytes: some Collection<UInt8>) throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let written = try retryingOnInterrupt {
                array.withUnsafeBytes { raw in Glibc.write(rawValue, raw.baseAddress! + offset, raw.count - offset) }
            }
            offset += written
        }
    }

    func sync() throws(Errno) {
        try retryingOnInterrupt { fsync(rawValue) }
    }

    func status() throws(Errno) -> stat {
        var info = stat()
        try retryingOnInterrupt { fstat(rawValue, &info) }
        return info
    }
}
