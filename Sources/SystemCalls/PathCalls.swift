/// The calls on a path the transport makes around its Unix socket file (the storage layer
/// has its own, which name storage operations in their errors).
package enum PathCalls {
    /// `lstat`, or nil when nothing exists at `path`.
    @inline(never)
    package static func linkStatus(_ path: String) throws(SystemCallError) -> stat? {
        var information = stat()
        if lstat(path, &information) == 0 { return information }
        let number = errno
        if number == ENOENT { return nil }
        throw SystemCallError(call: "lstat(\(path))", errno: number)
    }

    /// `unlink`; a file that is already gone is fine.
    @inline(never)
    package static func remove(_ path: String) throws(SystemCallError) {
        if unlink(path) == 0 { return }
        let number = errno
        if number == ENOENT { return }
        throw SystemCallError(call: "unlink(\(path))", errno: number)
    }

    /// `chmod`.
    @inline(never)
    package static func changeMode(_ path: String, _ mode: mode_t) throws(SystemCallError) {
        try retryingOnInterrupt("chmod(\(path))") { chmod(path, mode) }
    }
}
