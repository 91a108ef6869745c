/// Where attribution keeps its state, beside `users/`:
///
///     <root>/attribution/.lock                       flock serialising bindings and the parked area
///     <root>/attribution/bindings/<installation>     the user an installation is bound to (JSON)
///     <root>/attribution/parked/index.json           per installation: facts, counts, sequence numbers
///     <root>/attribution/parked/<installation>/<sequence>.otlp   one parked request, as received
///
/// Paths are only built from a validated ``InstallationID``. No HTTP route reads any of it.
extension DataDirectory {
    public var attributionDirectory: String { root + "/attribution" }
    package var attributionLockPath: String { attributionDirectory + "/.lock" }
    package var bindingsDirectory: String { attributionDirectory + "/bindings" }
    func bindingPath(_ installation: InstallationID) -> String { bindingsDirectory + "/" + installation.rawValue }
    package var parkedDirectory: String { attributionDirectory + "/parked" }
    package var parkedIndexPath: String { parkedDirectory + "/index.json" }
    package func parkedDirectory(_ installation: InstallationID) -> String { parkedDirectory + "/" + installation.rawValue }
    func parkedRequestPath(_ installation: InstallationID, sequence: UInt64) -> String {
        parkedDirectory(installation) + "/" + ParkedRequest.fileName(sequence: sequence)
    }
}
