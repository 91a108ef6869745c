import TelemetryStore

extension StorageError {
    /// True when the data directory could not be created or written (rather than read):
    /// the admin tool exits with 73 (EX_CANTCREAT) for these and 74 (EX_IOERR) otherwise.
    package var isWriteFailure: Bool {
        guard case .system(let operation, _, _) = self else { return false }
        return Self.writeOperations.contains(operation)
    }

    /// The operation names the storage layer uses for calls that create or change files.
    static let writeOperations: Set<String> = [
        "create directory", "create", "write", "rename", "fsync directory", "open lock", "remove", "remove directory",
    ]
}
