import ArgumentParser
import Foundation
import TelemetryStore

/// The admin tool: manages users and inspects the data directory the responder writes.
/// It uses the same core (and the same locks) as the responder, so it is safe to run while
/// the responder is serving.
@main
struct ClaudeTelemetry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-telemetry",
        abstract: "Manage users and inspect the data of the Claude Code telemetry receiver.",
        discussion: """
            Every command reads the data directory from --data-dir, else CLAUDE_TELEMETRY_DATA_DIR, else \
            the one the running service recorded when it started (said on stderr).

            Exit codes: 0 ok, 2 verify found problems, 3 unknown user, token or budget, 64 usage or bad settings, \
            73 cannot create or write the data directory (or the output file), 74 I/O error or corrupt data.
            """,
        version: ServiceVersion.current,
        subcommands: [
            User.self, Token.self, Show.self, Export.self, Verify.self, Compact.self, Prune.self, Stats.self, Unclaimed.self,
            BudgetCommand.self,
        ])

    /// Accepts `--data-dir DIR` before the subcommand too (`claude-telemetry --data-dir DIR user list`),
    /// as people write it for both executables, by moving it behind the subcommand's name.
    static func main() {
        let arguments = Self.movingLeadingDataDir(Array(CommandLine.arguments.dropFirst()))
        if let message = SubcommandSuggestion.check(arguments, root: Self.self) {
            Console.error(message)
            Foundation.exit(Exit.usage.rawValue)
        }
        main(arguments)
    }

    static func movingLeadingDataDir(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        let flag = "--" + Settings.dataDir.flag
        while let first = rest.first {
            if first == flag, rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix(flag + "=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        // The subcommand path comes first, as the parser's own configuration names it; options
        // may follow it in any order.
        let names = SubcommandSuggestion.path(in: rest, from: Self.self)
        return Array(names) + leading + Array(rest.dropFirst(names.count))
    }
}
