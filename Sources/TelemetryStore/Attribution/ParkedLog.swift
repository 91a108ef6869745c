import SystemCalls

/// `attribution/parked/<source>.log`: one source's parked requests, appended in arrival order
/// to one file (one file per request would cost a whole disk block each), each record framed
/// and checksummed:
///
///     PRK1 <sequence> <length> <checksum: 16 hex digits>\n<payload: length bytes>\n
///
/// The payload is a ``ParkedRequest``'s encoding; the sequence comes from one counter for the
/// whole parked area, so it is never reused, and a user's document remembers the highest one
/// applied per source (``ParkedMarks``). The index records the length up to which the log
/// holds answered requests: an append cut by a crash lies beyond it, is never read, and is
/// cut off by the next append.
package enum ParkedLog {
    package struct Record: Equatable {
        package let sequence: UInt64
        package let payload: [UInt8]
        /// Offset just past the record: where reading continues.
        let end: Int
    }

    static let magic = "PRK1"
    /// A header line is at most this long (four fields of bounded width).
    static let maxHeaderBytes = 96

    static func checksum(_ payload: [UInt8], sequence: UInt64) -> UInt64 {
        BodyDigest.of(payload, seed: sequence)
    }

    static func frame(sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        let sum = String(checksum(payload, sequence: sequence), radix: 16)
        let header = "\(magic) \(sequence) \(payload.count) \(String(repeating: "0", count: 16 - sum.count) + sum)\n"
        return Array(header.utf8) + payload + [UInt8(ascii: "\n")]
    }

    /// Appends `frame` at `validLength` (what the index says the log holds; anything beyond is
    /// an append a crash cut short) and returns the new length and the bytes the file takes on
    /// disk. Throws ``StorageError``.
    static func append(_ frame: [UInt8], to path: String, validLength: Int, durable: Bool) throws(StorageError)
        -> (length: Int, allocated: Int)
    {
        let created = !FileSystem.exists(path)
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .noFollow])
        } catch {
            if error == .tooManySymbolicLinkLevels { throw .notRegularFile(path: path, kind: "symbolic link") }
            throw error.storage("open", path)
        }
        defer { fd.closeIgnoringErrors() }
        do {
            let info = try fd.status()
            if let kind = FileNode.irregularKind(info) { throw StorageError.notRegularFile(path: path, kind: kind) }
            if Int(info.st_size) < validLength {
                throw StorageError.corrupt(
                    path: path, reason: "holds \(info.st_size) bytes, the parked index says \(validLength)")
            }
            if Int(info.st_size) != validLength {
                try retryingOnInterrupt { ftruncate(fd.rawValue, off_t(validLength)) }
            }
            var offset = 0
            while offset < frame.count {
                let written = try retryingOnInterrupt {
                    frame.withUnsafeBytes { raw in
                        pwrite(fd.rawValue, raw.baseAddress! + offset, raw.count - offset, off_t(validLength + offset))
                    }
                }
                offset += written
            }
            if durable { try fd.sync() }
            let after = try fd.status()
            if created && durable { try FileSystem.syncDirectory(DataDirectory.parent(of: path)) }
            return (validLength + frame.count, max(Int(after.st_blocks) * 512, Int(after.st_size)))
        } catch let error as StorageError {
            throw error
        } catch let error as Errno {
            throw error.storage("append to", path)
        } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
    }

    /// Up to `maxRecords` records from `offset` to `length`, in order. A missing file holds
    /// none. A record that does not match its checksum or its frame throws
    /// ``StorageError/corrupt(path:reason:)``.
    package static func read(_ path: String, from offset: Int, upTo length: Int, maxRecords: Int = .max) throws(StorageError)
        -> [Record]
    {
        guard offset < length else { return [] }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.noFollow])
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            if error == .tooManySymbolicLinkLevels { throw .notRegularFile(path: path, kind: "symbolic link") }
            throw error.storage("open", path)
        }
        defer { fd.closeIgnoringErrors() }
        var records: [Record] = []
        var position = offset
        while position < length && records.count < maxRecords {
            let head = try readBytes(fd, path, at: position, count: min(maxHeaderBytes, length - position))
            guard let newline = head.firstIndex(of: UInt8(ascii: "\n")) else {
                throw .corrupt(path: path, reason: "record at offset \(position) has no header line")
            }
            let fields = String(decoding: head[..<newline], as: UTF8.self).split(separator: " ")
            guard fields.count == 4, fields[0] == magic, let sequence = UInt64(fields[1]),
                let size = Int(fields[2]), size >= 0, let sum = UInt64(fields[3], radix: 16)
            else { throw .corrupt(path: path, reason: "record at offset \(position) has a malformed header") }
            let start = position + newline + 1
            guard start + size + 1 <= length else {
                throw .corrupt(path: path, reason: "record at offset \(position) runs past the recorded length")
            }
            let body = try readBytes(fd, path, at: start, count: size + 1)
            guard body.last == UInt8(ascii: "\n"), checksum(Array(body.dropLast()), sequence: sequence) == sum else {
                throw .corrupt(path: path, reason: "record \(sequence) at offset \(position) fails its checksum")
            }
            position = start + size + 1
            records.append(Record(sequence: sequence, payload: Array(body.dropLast()), end: position))
        }
        return records
    }

    /// Bytes a file takes on disk (blocks allocated), 0 when it is missing.
    static func allocatedBytes(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return max(Int(info.st_blocks) * 512, Int(info.st_size))
    }

    private static func readBytes(_ fd: FileDescriptor, _ path: String, at offset: Int, count: Int) throws(StorageError)
        -> [UInt8]
    {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got: Int
            do {
                got = try retryingOnInterrupt {
                    buffer.withUnsafeMutableBytes { raw in
                        pread(fd.rawValue, raw.baseAddress! + filled, count - filled, off_t(offset + filled))
                    }
                }
            } catch {
                throw error.storage("read", path)
            }
            if got == 0 { throw .corrupt(path: path, reason: "ends at \(offset + filled), before the recorded length") }
            filled += got
        }
        return buffer
    }
}
