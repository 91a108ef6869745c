import SystemCalls
import TelemetryStore

/// Files the tool creates belong to whoever runs it, and the responder (usually another Unix
/// user) cannot then write into a user directory or replace an aggregate it does not own:
/// that user's requests would fail until the owner is fixed. Warn before writing, instead.
enum OwnerCheck {
    static func warnIfForeign(_ directory: DataDirectory) {
        var info = stat()
        guard stat(directory.root, &info) == 0 else { return }
        let me = geteuid()
        guard info.st_uid != me else { return }
        Console.error(
            "warning: \(directory.root) belongs to uid \(info.st_uid) but this runs as uid \(me); "
                + "files written now belong to uid \(me) and the responder may be unable to update them "
                + "(run as the directory's owner, e.g. with sudo -u)")
    }
}
