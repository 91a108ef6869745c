/// swift-system's `FileDescriptor`, with what the store needs beyond it: opening by a path
/// string (always close-on-exec, created files 0640 unless told), whole-file and positioned
/// reads and writes that loop over short counts, `fsync`, `fdatasync` and `fstat`. Every call
/// retries `EINTR` and throws swift-system's ``Errno`` typed — its own calls throw untyped —
/// so the storage layer above keeps typed throws.
extension FileDescriptor {
    package static func open(
        _ path: String, _ mode: AccessMode, options: OpenOptions = [],
        permissions: FilePermissions = FilePermissions(rawValue: 0o640)
    ) throws(Errno) -> FileDescriptor {
        try typed {
            try FileDescriptor.open(FilePath(path), mode, options: options.union(.closeOnExec), permissions: permissions)
        }
    }

    /// Closes the descriptor; a failure leaves nothing to act on (the descriptor is gone either way).
    package func closeIgnoringErrors() {
        _ = try? close()
    }

    /// Reads the whole file from the current offset to EOF. `sizeHint` (the size `fstat` gave)
    /// sizes the one buffer read into, left uninitialized: a zero-filled chunk read into and
    /// copied out wrote every byte three times, and cost a team summary over a thousand users
    /// two 64 KiB chunks per user (their record and journal, a few hundred bytes each).
    package func readAll(sizeHint: Int = 0) throws(Errno) -> [UInt8] {
        // One byte beyond the hint: a file of the size given is read with its end seen at once.
        var capacity = max(sizeHint + 1, 1024)
        var bytes: [UInt8] = []
        while true {
            var failure: Errno?
            var ended = false
            let part = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                while initialized < capacity {
                    do throws(Errno) {
                        let got = try typed { try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[initialized...])) }
                        if got == 0 {
                            ended = true
                            return
                        }
                        initialized += got
                    } catch {
                        failure = error
                        return
                    }
                }
            }
            if let failure { throw failure }
            if bytes.isEmpty { bytes = part } else { bytes.append(contentsOf: part) }
            // The file grew past the hint: read on, in chunks.
            if ended { return bytes }
            capacity = 64 << 10
        }
    }

    /// Writes every byte from the current offset, looping over short writes.
    package func writeEverything(_ bytes: some Collection<UInt8>) throws(Errno) {
        let array = Array(bytes)
        try typed { _ = try array.withUnsafeBytes { try writeAll($0) } }
    }

    /// Reads `count` bytes from `offset` (fewer at end of file).
    package func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        // Read into uninitialized memory: zero-filling first would write every byte twice (a
        // year-old user's binary copy is about 400 KB per load).
        var failure: Errno?
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while initialized < count {
                do throws(Errno) {
                    let got = try typed {
                        try read(
                            fromAbsoluteOffset: Int64(offset + initialized),
                            into: UnsafeMutableRawBufferPointer(rebasing: raw[initialized...]))
                    }
                    if got == 0 { return }
                    initialized += got
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        return buffer
    }

    /// Writes every byte at `offset`, looping over short writes.
    package func write(_ bytes: [UInt8], at offset: Int) throws(Errno) {
        try typed { _ = try bytes.withUnsafeBytes { try writeAll(toAbsoluteOffset: Int64(offset), $0) } }
    }

    package func truncate(to length: Int) throws(Errno) {
        try typed { try resize(to: Int64(length)) }
    }

    /// `fdatasync`: the data and the file's size, which is all an append changes.
    package func syncData() throws(Errno) {
        try retryingOnInterrupt { fdatasync(rawValue) }
    }

    package func sync() throws(Errno) {
        try retryingOnInterrupt { fsync(rawValue) }
    }

    /// `fstat`, as the C library's `stat` (swift-system's `Stat` names it `CInterop.Stat`).
    package func status() throws(Errno) -> CInterop.Stat {
        var info = CInterop.Stat()
        try retryingOnInterrupt { fstat(rawValue, &info) }
        return info
    }
}
