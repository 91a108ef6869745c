import SystemCalls

/// An exclusive `flock` on a user's lock file, with a bounded wait.
///
/// `flock` locks belong to the open file description, so they exclude other processes *and*
/// other threads of this process that opened the file themselves — classic `fcntl` record
/// locks would not exclude threads. The project uses only `flock`, never `fcntl` locks, on
/// these files. The lock is released when the descriptor closes, including when the process
/// dies, so a crashed writer never leaves a lock behind.
///
/// A lock file can be deleted or replaced while it is locked (by hand, by a cleaning job).
/// Writers that opened the old file and writers that create a new one would then lock
/// different inodes and run side by side. Two things keep them in one line:
/// - after taking the `flock`, the path must still name the locked inode (`fstat` against
///   `lstat`); otherwise the lock is dropped and taken again on what the path names now;
/// - the directory holding the lock file is locked as well, once the file lock is held. A
///   directory cannot be swapped while it holds the user's files, so a writer that got in
///   through a new lock file still waits for the one that holds the old. File systems that
///   cannot `flock` a directory (NFS emulates `flock` with write locks, which need a file
///   open for writing) keep only the file lock.
///
/// The lock file is opened with `O_NOFOLLOW` and must be a regular file: a symbolic link
/// planted in its place is refused, never followed (``StorageError/notRegularFile(path:kind:)``).
package struct FileLock: ~Copyable {
    private let descriptor: FileDescriptor
    private let directoryDescriptor: FileDescriptor?
    let path: String

    /// Opens (creating if needed) and locks `path` and its directory, waiting at most
    /// `timeoutMilliseconds` in all.
    package init(path: String, timeoutMilliseconds: Int) throws(StorageError) {
        var wait = LockWait(timeoutMilliseconds: timeoutMilliseconds)
        let fd = try Self.lockFile(path, wait: &wait)
        let directoryFD: FileDescriptor?
        do {
            directoryFD = try Self.lockDirectory(DataDirectory.parent(of: path), wait: &wait)
        } catch {
            fd.closeIgnoringErrors()
            throw error
        }
        descriptor = fd
        directoryDescriptor = directoryFD
        self.path = path
    }

    deinit {
        // Closing the descriptors releases the flocks.
        directoryDescriptor?.closeIgnoringErrors()
        descriptor.closeIgnoringErrors()
    }

    /// Opens and locks the file the path names once the lock is held.
    private static func lockFile(_ path: String, wait: inout LockWait) throws(StorageError) -> FileDescriptor {
        while true {
            let fd: FileDescriptor
            do {
                fd = try FileDescriptor.open(path, .readWrite, options: [.create, .noFollow])
            } catch {
                if error == .tooManySymbolicLinkLevels { throw .notRegularFile(path: path, kind: "symbolic link") }
                throw error.storage("open lock", path)
            }
            do throws(StorageError) {
                let locked = try identity(of: fd, path: path)
                try wait.lock(fd, path: path)
                if pathStillNames(locked, path: path) { return fd }
            } catch {
                fd.closeIgnoringErrors()
                throw error
            }
            // Deleted or replaced while we waited: lock whatever the path names now.
            fd.closeIgnoringErrors()
            try wait.pauseBeforeRetry(path: path)
        }
    }

    /// Device and inode of the open lock file, which must be a regular file.
    private static func identity(of fd: FileDescriptor, path: String) throws(StorageError) -> FileNode {
        let info: stat
        do {
            info = try fd.status()
        } catch {
            throw error.storage("stat lock", path)
        }
        guard let kind = FileNode.irregularKind(info) else { return FileNode(info) }
        throw .notRegularFile(path: path, kind: kind)
    }

    private static func pathStillNames(_ locked: FileNode, path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return FileNode(info) == locked
    }

    /// Locks the directory itself, or returns nil where its file system cannot lock directories.
    private static func lockDirectory(_ directory: String, wait: inout LockWait) throws(StorageError) -> FileDescriptor? {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(directory, .readOnly, options: [.directory, .noFollow])
        } catch {
            if error == .tooManySymbolicLinkLevels || error == .notDirectory {
                throw .notRegularFile(path: directory, kind: "symbolic link, not a directory")
            }
            throw error.storage("open directory", directory)
        }
        do throws(StorageError) {
            guard try wait.lock(fd, path: directory, unsupported: [EBADF, ENOLCK, EINVAL, EOPNOTSUPP]) else {
                fd.closeIgnoringErrors()
                return nil
            }
        } catch {
            fd.closeIgnoringErrors()
            throw error
        }
        return fd
    }
}

/// Which file node a path or descriptor names (device and inode): a path names the same file as
/// an open descriptor exactly when both agree.
struct FileNode: Equatable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Nil for a regular file, otherwise what it is, for the error message.
    static func irregularKind(_ info: stat) -> String? {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: return "symbolic link"
        case S_IFDIR: return "directory"
        case S_IFIFO: return "named pipe"
        case S_IFSOCK: return "socket"
        default: return "device"
        }
    }
}

/// The polling wait shared by the locks one update takes, so that together they wait no
/// longer than the configured timeout.
struct LockWait {
    private let timeoutMilliseconds: Int
    /// Monotonic time after which waiting stops: measured, not summed from the pauses asked
    /// for, which on a loaded machine last longer than asked.
    private let deadlineNanoseconds: UInt64
    // Short pauses: an update holds the lock for well under a millisecond, and a long
    // back-off lets other waiters overtake again and again (unfair, p99 in the 100s of ms).
    private var pause: UInt32 = 50

    init(timeoutMilliseconds: Int) {
        self.timeoutMilliseconds = timeoutMilliseconds
        deadlineNanoseconds = MonotonicClock.nanoseconds() &+ UInt64(max(0, timeoutMilliseconds)) &* 1_000_000
    }

    private var expired: Bool { MonotonicClock.nanoseconds() >= deadlineNanoseconds }

    /// Counts a short pause against the deadline before the lock is tried again from the start.
    mutating func pauseBeforeRetry(path: String) throws(StorageError) {
        if expired { throw .lockTimeout(path: path, waitedMilliseconds: timeoutMilliseconds) }
        usleep(pause)
    }

    /// Takes the `flock`, polling until the shared deadline. Returns false, without waiting,
    /// when `flock` fails with one of `unsupported` (the file system cannot lock this file).
    @discardableResult
    mutating func lock(_ fd: FileDescriptor, path: String, unsupported: [Int32] = []) throws(StorageError) -> Bool {
        while true {
            if flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 { return true }
            let error = Errno.current
            if error == .interrupted { continue }
            if unsupported.contains(error.rawValue) { return false }
            guard error == .wouldBlock else { throw error.storage("lock", path) }
            if expired { throw .lockTimeout(path: path, waitedMilliseconds: timeoutMilliseconds) }
            usleep(pause)
            pause = min(pause * 2, 1_000)
        }
    }
}
