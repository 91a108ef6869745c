import ArgumentParser

/// Admin read tokens open the team-wide read endpoints (`…/team/summary`); a user's id only
/// opens that user's own summary. This group is how such access is granted and revoked.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke admin read tokens for the team summary.",
        subcommands: [TokenAdd.self, TokenList.self, TokenRemove.self])
}
