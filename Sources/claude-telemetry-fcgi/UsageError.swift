/// A command line or setting the responder cannot run with: reported on stderr with exit
/// status 64 (``ExitCode/usage``).
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
