#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file, with a bounded wait.
///
/// `flock` locks belong to the open file description, so they exclude other processes *and*
/// other threads of this process that opened the file themselves — classic `fcntl` record
/// locks would not exclude threads. The project uses only `flock`, never `fcntl` locks, on
/// these files. The lock is released when the descriptor closes, including when the process
/// dies, so a crashed writer never leaves a lock behind.
struct FileLock: ~Copyable {
    private let descriptor: FileDescriptor
    let path: String

    /// Opens (creating if needed) and locks `path`, polling for at most `timeoutMilliseconds`.
    init(path: String, timeoutMilliseconds: Int) throws(StorageError) {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, O_RDWR | O_CREAT, permissions: 0o640)
        } catch {
            throw error.storage("open lock", path)
        }
        var waitedMicroseconds = 0
        // Short pauses: an update holds the lock for well under a millisecond, and a long
        // back-off lets other waiters overtake again and again (unfair, p99 in the 100s of ms).
        var pause: UInt32 = 50
        while true {
            if flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 { break }
            let error = Errno.current
            if error == .interrupted { continue }
            guard error == .wouldBlock else {
                fd.close()
                throw error.storage("lock", path)
            }
            if waitedMicroseconds >= timeoutMilliseconds * 1000 {
                fd.close()
                throw .lockTimeout(path: path, waitedMilliseconds: timeoutMilliseconds)
            }
            usleep(pause)
            waitedMicroseconds += Int(pause)
            pause = min(pause * 2, 1_000)
        }
        descriptor = fd
        self.path = path
    }

    deinit {
        // Closing the descriptor releases the flock.
        descriptor.close()
    }
}
