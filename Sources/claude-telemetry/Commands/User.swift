import ArgumentParser

/// Users are what the responder checks every request against: only ids created here are
/// accepted, so this group is how access is granted and revoked.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and remove users; claim installations for them; move users between data directories.",
        subcommands: [
            UserAdd.self, UserList.self, UserEnv.self, UserRemove.self, UserClaim.self, UserUnbind.self, UserExport.self,
            UserImport.self,
        ])
}
