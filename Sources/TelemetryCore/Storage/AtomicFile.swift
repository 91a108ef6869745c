#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file's content all at once: write a temporary file in the same directory,
/// optionally `fsync` it, `rename` it over the target, optionally `fsync` the directory.
///
/// A reader that opens the target at any instant sees either the whole old content or the
/// whole new one. Callers hold the directory's lock, so one fixed temporary name suffices and
/// a crash leaves at most that one file, overwritten by the next update.
enum AtomicFile {
    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    static func replace(_ path: String, with bytes: [UInt8], durable: Bool, permissions: mode_t = 0o640) throws(StorageError) {
        let temporary = temporaryPath(for: path)
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions: permissions)
        } catch {
            throw error.storage("create", temporary)
        }
        do {
            try fd.writeAll(bytes)
            if durable { try fd.sync() }
        } catch {
            fd.close()
            _ = unlink(temporary)
            throw error.storage("write", temporary)
        }
        fd.close()
        do {
            try FileSystem.rename(temporary, to: path)
        } catch {
            _ = unlink(temporary)
            throw error.storage("rename", temporary)
        }
        if durable {
            let directory = DataDirectory.parent(of: path)
            do {
                try FileSystem.syncDirectory(directory)
            } catch {
                throw error.storage("fsync directory", directory)
            }
        }
    }
}
