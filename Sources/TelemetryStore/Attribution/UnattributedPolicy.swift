/// What the responder does with a request that carries no user in URL or headers and whose
/// installation is not bound to a user (`--unattributed`).
package enum UnattributedPolicy: String, Sendable, Equatable, CaseIterable {
    /// Keep it (answered 200) until an operator claims it with `claude-telemetry user claim`.
    case park
    /// Answer 401 naming the forms that carry the user.
    case refuse
}
