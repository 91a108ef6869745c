import SystemCalls

/// A failed system call of the responder's own (threads, signals, standard streams), with
/// its name and `errno`, for the message an operator reads.
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let errno: CInt

    var description: String {
        let text = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
        return "\(call) failed: \(text) (errno \(errno))"
    }
}
