import CProcessControl
import SystemCalls

/// A responder started by a master ends when the master does, however the master ends
/// (SIGKILL included): otherwise responders would keep serving a socket nobody manages, and
/// a new master started on the same socket path would find them still accepting.
///
/// The master names itself in ``variable``; the responder asks the kernel to send it SIGTERM
/// (on which it finishes its requests and exits) when its parent dies, then checks that its
/// parent is still that master: a master that died between the spawn and the request is
/// caught there, so no window is left.
enum MasterDeath {
    static let variable = "CLAUDE_TELEMETRY_MASTER_PID"

    /// Call first thing in a responder. Returns false when the master is gone already.
    static func follow(environment: [String: String]) -> Bool {
        guard let text = environment[variable], let master = pid_t(text) else { return true }
        // Where the kernel cannot (not Linux), the check below still catches a master gone at start.
        _ = cprocess_set_parent_death_signal(SIGTERM)
        return getppid() == master
    }
}
