import ArgumentParser
import TelemetryStore

/// The responder's command line as swift-argument-parser reads it. Each setting's flag and help
/// come from ``Settings``; values stay text here, because ``RuntimeSettings`` applies the
/// environment and the default to what is not given and checks every value, so the order
/// (flag, then environment, then default) and the errors naming a setting are the admin tool's too.
struct ResponderArguments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-telemetry-fcgi",
        abstract: "Receives Claude Code OpenTelemetry exports (OTLP/HTTP) behind a web server, as a FastCGI "
            + "responder or as a one-shot CGI program.",
        discussion: """
            How to run it:
              spawn-fcgi -s /run/claude-telemetry/fcgi.sock -- \\
                  claude-telemetry-fcgi --data-dir DIR
                fd 0 is the listening socket (spawn-fcgi -F N starts N processes
                sharing it)
              claude-telemetry-fcgi --socket /run/claude-telemetry/fcgi.sock \\
                  --data-dir DIR
                opens its own socket (or --socket 127.0.0.1:9000)
              as a CGI program: the web server sets GATEWAY_INTERFACE and passes
              one request

            Settings: a flag wins over its environment variable, which wins over
            the default.

            SIGTERM, SIGINT, SIGHUP or SIGUSR1 stop the responder within about a
            second; requests in flight are finished first (a second signal exits
            at once).

            Exit status: 0 stopped cleanly; 64 bad option or setting, or nothing
            to serve; 70 a worker failed; 71 socket, thread or signal setup
            failed; 73 data directory unusable.
            """,
        version: ServiceVersion.current)

    @Option(name: .customLong(Settings.dataDir.flag), help: Settings.dataDir.argumentHelp)
    var dataDir: String?
    @Option(name: .customLong(Settings.threads.flag), help: Settings.threads.argumentHelp)
    var threads: String?
    @Option(name: .customLong(Settings.maxBodyBytes.flag), help: Settings.maxBodyBytes.argumentHelp)
    var maxBodyBytes: String?
    @Option(name: .customLong(Settings.durability.flag), help: Settings.durability.argumentHelp)
    var durability: String?
    @Option(name: .customLong(Settings.lockTimeout.flag), help: Settings.lockTimeout.argumentHelp)
    var lockTimeout: String?
    @Option(name: .customLong(Settings.retentionDays.flag), help: Settings.retentionDays.argumentHelp)
    var retentionDays: String?
    @Option(name: .customLong(Settings.logLevel.flag), help: Settings.logLevel.argumentHelp)
    var logLevel: String?
    @Option(name: .customLong(Settings.requestTimeout.flag), help: Settings.requestTimeout.argumentHelp)
    var requestTimeout: String?
    @Option(name: .customLong(Settings.memoryBudget.flag), help: Settings.memoryBudget.argumentHelp)
    var memoryBudget: String?
    @Option(name: .customLong(Settings.documentCache.flag), help: Settings.documentCache.argumentHelp)
    var documentCache: String?
    @Option(name: .customLong(Settings.unattributed.flag), help: Settings.unattributed.argumentHelp)
    var unattributed: String?
    @Option(name: .customLong(Settings.trustClientEmail.flag), help: Settings.trustClientEmail.argumentHelp)
    var trustClientEmail: String?
    @Option(name: .customLong(Settings.teamAttributes.flag), help: Settings.teamAttributes.argumentHelp)
    var teamAttributes: String?
    @Option(name: .customLong(Settings.timeZone.flag), help: Settings.timeZone.argumentHelp)
    var timeZone: String?

    @Option(
        name: .customLong("socket"),
        help: ArgumentHelp(
            "listen on a Unix socket path, or TCP :PORT / 127.0.0.1:PORT (':PORT' means 127.0.0.1, "
                + "never all interfaces); without it the listening socket is fd 0, as spawn-fcgi passes it",
            valueName: "address"))
    var socket: String?
    @Option(
        name: .customLong("backlog"),
        help: ArgumentHelp("listen backlog for --socket (default \(ResponderOptions.defaultBacklog))", valueName: "n"))
    var backlog: String?
    @Option(
        name: .customLong("socket-mode"),
        help: ArgumentHelp(
            "permissions of a --socket Unix socket file "
                + "(default 0\(String(ResponderOptions.defaultSocketMode, radix: 8)))", valueName: "octal"))
    var socketMode: String?

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "the origin clients reach the service at (http://127.0.0.1:8080), recorded in the data directory's "
                + "service.json when it starts, for the lines `claude-telemetry user add` and `user env` print "
                + "(env \(ResponderOptions.publicURLEnvironment))",
            valueName: "url"))
    var publicURL: String?
    @Option(
        name: .customLong("processes"),
        help: ArgumentHelp(
            "run as a master that holds the listening socket and keeps this many responder processes on it; "
                + "SIGHUP replaces them (new ones first, the old ones finish their requests) without closing the socket",
            valueName: "n"))
    var processes: String?
    @Option(
        name: .customLong("env-file"),
        help: ArgumentHelp(
            "with --processes: NAME=value lines (CLAUDE_TELEMETRY_* settings) for the responders, read again on SIGHUP; "
                + "-PATH (as systemd's EnvironmentFile=-PATH) lets the file be missing",
            valueName: "path"))
    var environmentFile: String?

    /// The settings given on the command line, by flag name, for ``RuntimeSettings``.
    var settingFlags: [String: String] {
        let given: [(Setting, String?)] = [
            (Settings.dataDir, dataDir), (Settings.threads, threads), (Settings.maxBodyBytes, maxBodyBytes),
            (Settings.durability, durability), (Settings.lockTimeout, lockTimeout),
            (Settings.retentionDays, retentionDays), (Settings.logLevel, logLevel),
            (Settings.requestTimeout, requestTimeout), (Settings.memoryBudget, memoryBudget),
            (Settings.documentCache, documentCache), (Settings.unattributed, unattributed),
            (Settings.trustClientEmail, trustClientEmail),
            (Settings.teamAttributes, teamAttributes), (Settings.timeZone, timeZone),
        ]
        // A setting added to the table without an option here would be silently unsettable by flag.
        precondition(given.map(\.0) == Settings.all, "every entry of Settings.all needs its option")
        var flags: [String: String] = [:]
        for case let (setting, value?) in given { flags[setting.flag] = value }
        return flags
    }
}

extension Setting {
    /// The setting's `--help` entry: its summary, environment variable and default, from the table.
    var argumentHelp: ArgumentHelp {
        let fallback = defaultValue == nil ? "required" : "default \(defaultDescription)"
        return ArgumentHelp("\(summary) (env \(environment), \(fallback))", valueName: "value")
    }
}
