import SystemCalls

/// Which file a path names at one instant: every update replaces a stored file with a new one
/// (a new inode, a new change time), so an unchanged identity means unchanged content, which
/// is what read endpoints build their ETags from without reading anything.
package struct FileIdentity: Hashable, Sendable {
    package let device: UInt64
    package let inode: UInt64
    package let size: Int64
    /// Modification and status-change times, in nanoseconds since the epoch.
    package let modifiedNanoseconds: Int64
    package let changedNanoseconds: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)
        changedNanoseconds = Int64(info.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_ctim.tv_nsec)
    }

    /// The identity of the file at `path` now; nil when there is none.
    package static func of(_ path: String) throws(StorageError) -> FileIdentity? {
        do {
            return FileIdentity(try FileSystem.status(path))
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw error.storage("stat", path)
        }
    }

    /// The fields in a fixed order, for hashing into an ETag.
    package var fields: [UInt64] {
        [
            device, inode, UInt64(bitPattern: size), UInt64(bitPattern: modifiedNanoseconds),
            UInt64(bitPattern: changedNanoseconds),
        ]
    }
}

/// A stored file's bytes together with the identity of exactly the file they were read from
/// (`fstat` of the open descriptor), so a concurrent replacement cannot pair old bytes with a
/// new identity.
package struct StoredFile: Sendable {
    package let bytes: [UInt8]
    package let identity: FileIdentity

    /// Reads `path` without a lock; nil when there is no such file.
    package static func read(_ path: String) throws(StorageError) -> StoredFile? {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw error.storage("open", path)
        }
        defer { fd.closeIgnoringErrors() }
        do {
            let info = try fd.status()
            let bytes = try fd.readAll(sizeHint: Int(info.st_size))
            return StoredFile(bytes: bytes, identity: FileIdentity(info))
        } catch {
            throw error.storage("read", path)
        }
    }
}
