import SystemCalls

/// Replaces a file's content all at once: write a temporary file in the same directory,
/// optionally `fsync` it, `rename` it over the target, optionally `fsync` the directory.
///
/// A reader that opens the target at any instant sees either the whole old content or the
/// whole new one. Callers hold the directory's lock (``FileLock``, which also locks the
/// directory itself), so no other writer is between create and rename. The temporary file is
/// created afresh for every write (`O_CREAT | O_EXCL | O_NOFOLLOW`): a write never opens a
/// file it did not create, so it cannot write into another write's file, nor through a
/// symbolic link planted at the temporary name. A regular file already there can only be
/// left by a write that crashed (writers remove or rename theirs before they release the
/// lock), so it is removed first; anything else there is refused.
enum AtomicFile {
    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    static func replace(_ path: String, with bytes: [UInt8], durable: Bool, permissions: mode_t = 0o640) throws(StorageError) {
        let temporary = temporaryPath(for: path)
        let fd = try createFresh(temporary, permissions: permissions)
        do {
            try fd.writeEverything(bytes)
            if durable { try fd.sync() }
        } catch {
            fd.closeIgnoringErrors()
            _ = unlink(temporary)
            throw error.storage("write", temporary)
        }
        fd.closeIgnoringErrors()
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

    /// Creates `temporary`, which must not exist; removes a crashed write's leftover once.
    private static func createFresh(_ temporary: String, permissions: mode_t) throws(StorageError) -> FileDescriptor {
        var removedLeftover = false
        while true {
            do {
                return try FileDescriptor.open(
                    temporary, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
                    permissions: FilePermissions(rawValue: permissions))
            } catch {
                guard error == .fileExists, !removedLeftover else { throw error.storage("create", temporary) }
            }
            removedLeftover = true
            var info = stat()
            guard lstat(temporary, &info) == 0 else { continue }
            if let kind = FileNode.irregularKind(info) { throw .notRegularFile(path: temporary, kind: kind) }
            do {
                try FileSystem.removeFile(temporary)
            } catch {
                if error != .noSuchFileOrDirectory { throw error.storage("remove", temporary) }
            }
        }
    }
}
