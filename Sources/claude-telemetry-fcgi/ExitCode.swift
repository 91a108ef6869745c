/// The exit statuses, from sysexits.h, so that a supervisor (systemd, spawn-fcgi scripts)
/// can tell "fix the command line" from "fix the disk" from "the system failed".
enum ExitCode {
    static let success: Int32 = 0
    /// EX_USAGE: bad flag, bad setting, or no way to receive requests.
    static let usage: Int32 = 64
    /// EX_SOFTWARE: a worker stopped on an error it cannot recover from.
    static let software: Int32 = 70
    /// EX_OSERR: the listening socket, a thread or a signal mask could not be set up.
    static let systemError: Int32 = 71
    /// EX_CANTCREAT: the data directory cannot be created or written.
    static let cannotCreate: Int32 = 73
}
