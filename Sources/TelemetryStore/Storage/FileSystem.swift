package import SystemCalls

/// The few path-level POSIX calls storage needs, each throwing ``Errno``.
package enum FileSystem {
    package static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func status(_ path: String) throws(Errno) -> stat {
        var info = stat()
        try retryingOnInterrupt { stat(path, &info) }
        return info
    }

    /// Creates a directory; an existing directory is not an error.
    static func makeDirectory(_ path: String, permissions: mode_t = 0o750) throws(Errno) {
        if mkdir(path, permissions) == 0 { return }
        let error = Errno.current
        if error == .fileExists && isDirectory(path) { return }
        throw error
    }

    static func rename(_ from: String, to: String) throws(Errno) {
        try retryingOnInterrupt { systemRename(from, to) }
    }

    static func removeFile(_ path: String) throws(Errno) {
        try retryingOnInterrupt { unlink(path) }
    }

    static func removeDirectory(_ path: String) throws(Errno) {
        try retryingOnInterrupt { rmdir(path) }
    }

    /// Names in a directory, without `.` and `..`.
    package static func contents(of path: String) throws(Errno) -> [String] {
        guard let dir = opendir(path) else { throw Errno.current }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// fsync of a directory, which makes a rename inside it durable.
    static func syncDirectory(_ path: String) throws(Errno) {
        let fd = try FileDescriptor.open(path, .readOnly, options: [.directory])
        defer { fd.closeIgnoringErrors() }
        try fd.sync()
    }

    /// Reads a file the store owns, without following a symbolic link and without blocking on
    /// a named pipe planted in its place. Nil when it does not exist.
    static func readRegularFile(_ path: String) throws(StorageError) -> [UInt8]? {
        try readRegularFileWithIdentity(path)?.bytes
    }

    /// The same, with the identity of exactly the file the bytes came from (`fstat` of the open
    /// descriptor), so a concurrent replacement cannot pair old bytes with a new identity.
    static func readRegularFileWithIdentity(_ path: String) throws(StorageError) -> StoredFile? {
        guard let (fd, info) = try openRegularFile(path, .readOnly, opening: "read", checking: "read") else { return nil }
        defer { fd.closeIgnoringErrors() }
        do {
            return StoredFile(bytes: try fd.readAll(sizeHint: Int(info.st_size)), identity: FileIdentity(info))
        } catch {
            throw error.storage("read", path)
        }
    }

    /// Opens a file the store owns for `mode`, never following a symbolic link nor blocking on
    /// a named pipe, and refuses anything but a regular file; nil when it does not exist. Errors
    /// name `opening` or `checking` as the operation that failed.
    static func openRegularFile(_ path: String, _ mode: FileDescriptor.AccessMode, opening: String, checking: String)
        throws(StorageError)
        -> (FileDescriptor, stat)?
    {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, mode, options: [.noFollow, .nonBlocking])
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            if error == .tooManySymbolicLinkLevels { throw .notRegularFile(path: path, kind: "symbolic link") }
            throw error.storage(opening, path)
        }
        let info: stat
        do {
            info = try fd.status()
        } catch {
            fd.closeIgnoringErrors()
            throw error.storage(checking, path)
        }
        if let kind = FileNode.irregularKind(info) {
            fd.closeIgnoringErrors()
            throw .notRegularFile(path: path, kind: kind)
        }
        return (fd, info)
    }

    package static func readFile(_ path: String) throws(Errno) -> [UInt8] {
        let fd = try FileDescriptor.open(path, .readOnly)
        defer { fd.closeIgnoringErrors() }
        let size = Int((try? fd.status().st_size) ?? 0)
        return try fd.readAll(sizeHint: size)
    }
}
