import SystemCalls

/// The file operations of the journalled store, each refusing what is not a regular file (a
/// symbolic link planted at a stored name is never followed).
enum JournalFiles {
    /// The identity of the regular file at `path` (not following a link); nil when there is none.
    static func identity(_ path: String) throws(StorageError) -> FileIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let error = Errno.current
            if error == .noSuchFileOrDirectory { return nil }
            throw error.storage("stat", path)
        }
        if let kind = FileNode.irregularKind(info) { throw .notRegularFile(path: path, kind: kind) }
        return FileIdentity(info)
    }

    /// Opens the journal for appending under the user's lock; nil when there is none yet.
    static func openForWriting(_ path: String) throws(StorageError) -> FileDescriptor? {
        try FileSystem.openRegularFile(path, .readWrite, opening: "open", checking: "stat")?.0
    }

    /// A regular file's bytes and the identity of exactly the file they came from; nil when
    /// there is none. Takes no lock.
    static func read(_ path: String) throws(StorageError) -> StoredFile? {
        try FileSystem.readRegularFileWithIdentity(path)
    }
}
