import ArgumentParser

/// What arrived with no user (or for a user id no user has) and waits to be claimed, and how
/// to get rid of what nobody will claim.
struct Unclaimed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List or discard the requests that named no user (or an unknown user id) and wait to be claimed.",
        subcommands: [UnclaimedList.self, UnclaimedDiscard.self],
        defaultSubcommand: UnclaimedList.self)
}
