import CFastCGI

/// Process-wide libfcgi state. Both calls touch libfcgi globals without locking, so they
/// belong in `main` before any worker thread starts.
package enum FastCGILibrary {
    /// `FCGX_Init`: must run once before any request is initialised or accepted. It also
    /// installs libfcgi's SIGPIPE and SIGUSR1 handlers where those signals are still at their
    /// default disposition (ignore or block them first if the process handles them itself).
    package static func initialize() throws(FastCGIError) {
        let result = FCGX_Init()
        if result != 0 {
            throw .library(call: "FCGX_Init", code: result)
        }
    }

    /// True when file descriptor 0 is a listening socket, as spawn-fcgi and other FastCGI
    /// process managers arrange: `FCGX_IsCGI` asks `getpeername(0)` and a listening socket is
    /// the one thing that answers `ENOTCONN`. A pipe, file, terminal or closed fd 0 is "CGI".
    package static var standardInputIsListeningSocket: Bool {
        FCGX_IsCGI() == 0
    }
}
