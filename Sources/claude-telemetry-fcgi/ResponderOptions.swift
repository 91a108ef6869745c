import FastCGI
import Foundation
import TelemetryStore

/// The command line, resolved: every ``Settings/all`` entry as `--<flag> VALUE` (environment
/// and defaults through ``RuntimeSettings``), plus the options that only concern how this
/// responder listens. The help text is generated from the same table, so it cannot drift.
struct ResponderOptions {
    var settings: RuntimeSettings
    /// `--socket`: listen here instead of on the inherited fd 0.
    var socket: ListenAddress?
    var backlog: Int
    var socketMode: UInt32

    /// What the command line asked for.
    enum Parsed {
        case run(ResponderOptions)
        case help
    }

    static let defaultBacklog = 128
    static let defaultSocketMode: UInt32 = 0o660

    /// Options that are not settings: name, value placeholder, description.
    static let listeningOptions: [(flag: String, value: String, summary: String)] = [
        ("socket", "ADDRESS",
         "listen on a Unix socket path, or TCP :PORT / 127.0.0.1:PORT (':PORT' means 127.0.0.1, never all interfaces); "
            + "without it the listening socket is fd 0, as spawn-fcgi passes it"),
        ("backlog", "N", "listen backlog for --socket (default \(defaultBacklog))"),
        ("socket-mode", "OCTAL", "permissions of a --socket Unix socket file (default 0\(String(defaultSocketMode, radix: 8)))"),
    ]

    /// `%XX` escapes decoded, as a CGI server decodes search words before passing them.
    static func percentDecoded(_ word: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(word.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `arguments` (without the program name). Throws ``UsageError`` with a message
    /// that names the offending flag or setting.
    static func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> Parsed {
        // Started as CGI, a query without '=' (`…/metrics?probe`) also arrives as trailing
        // command-line words (RFC 3875 §4.4). They are not options: the query is read from the
        // environment, so those words are dropped.
        var arguments = arguments
        if environment["GATEWAY_INTERFACE"] != nil, let query = environment["QUERY_STRING"], !query.isEmpty,
           !query.contains("=") {
            let words = query.split(separator: "+", omittingEmptySubsequences: false).map(Self.percentDecoded)
            if arguments.count >= words.count, Array(arguments.suffix(words.count)) == words {
                arguments.removeLast(words.count)
            }
        }
        let settingFlags = Set(Settings.all.map(\.flag))
        let ownFlags = Set(listeningOptions.map(\.flag))
        var values: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw UsageError("unexpected argument '\(argument)'")
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard settingFlags.contains(name) || ownFlags.contains(name) else {
                throw UsageError("unknown option --\(name)")
            }
            if value == nil {
                guard index < arguments.endIndex else { throw UsageError("--\(name) needs a value") }
                value = arguments[index]
                index += 1
            }
            values[name] = value
        }

        var settingValues: [String: String] = [:]
        for setting in Settings.all {
            if let value = values[setting.flag] { settingValues[setting.flag] = value }
        }
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings(flags: settingValues, environment: environment)
        } catch {
            throw UsageError(error.description)
        }

        var socket: ListenAddress?
        if let text = values["socket"] {
            do {
                socket = try ListenAddress(parsing: text)
            } catch {
                throw UsageError("--socket: \(error)")
            }
        }
        var backlog = defaultBacklog
        if let text = values["backlog"] {
            guard let number = Int(text), (1...65_535).contains(number) else {
                throw UsageError("--backlog '\(text)' is invalid: expected a whole number from 1 to 65535")
            }
            backlog = number
        }
        var socketMode = defaultSocketMode
        if let text = values["socket-mode"] {
            guard let number = UInt32(text, radix: 8), number <= 0o777 else {
                throw UsageError("--socket-mode '\(text)' is invalid: expected octal permissions such as 660")
            }
            socketMode = number
        }
        return .run(ResponderOptions(settings: settings, socket: socket, backlog: backlog, socketMode: socketMode))
    }

    /// `--help`, built from ``Settings/all`` and ``listeningOptions``.
    static func helpText(program: String) -> String {
        var lines = [
            "Usage: \(program) --data-dir DIR [options]",
            "",
            "Receives Claude Code OpenTelemetry exports (OTLP/HTTP) behind a web server, as a FastCGI",
            "responder or as a one-shot CGI program.",
            "",
            "How to run it:",
            "  spawn-fcgi -s /run/claude-telemetry/fcgi.sock -- \(program) --data-dir DIR",
            "      fd 0 is the listening socket (spawn-fcgi -F N starts N processes sharing it)",
            "  \(program) --socket /run/claude-telemetry/fcgi.sock --data-dir DIR",
            "      opens its own socket (or --socket 127.0.0.1:9000)",
            "  as a CGI program: the web server sets GATEWAY_INTERFACE and passes one request",
            "",
            "Settings (a flag wins over its environment variable, which wins over the default):",
        ]
        let width = Settings.all.map { $0.flag.count }.max() ?? 0
        for setting in Settings.all {
            let fallback = setting.defaultValue.map { $0.isEmpty ? "default none" : "default \($0)" } ?? "required"
            let flag = "--\(setting.flag) VALUE".padding(toLength: width + 8, withPad: " ", startingAt: 0)
            lines.append("  \(flag)  env \(setting.environment), \(fallback)")
            lines.append("      \(setting.summary)")
        }
        lines.append("")
        lines.append("Listening:")
        for option in listeningOptions {
            lines.append("  --\(option.flag) \(option.value)")
            lines.append("      \(option.summary)")
        }
        lines += [
            "  --help",
            "      this text",
            "",
            "SIGTERM, SIGINT, SIGHUP or SIGUSR1 stop the responder within about a second; requests in",
            "flight are finished first (a second signal exits at once).",
            "",
            "Exit status: 0 stopped cleanly; 64 bad option or setting, or nothing to serve;",
            "70 a worker failed; 71 socket, thread or signal setup failed; 73 data directory unusable.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
