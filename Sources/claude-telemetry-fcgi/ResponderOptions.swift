import ArgumentParser
import FastCGI
import Foundation
import TelemetryStore

/// The command line, resolved: every ``Settings/all`` entry as `--<flag> VALUE` (read by
/// ``ResponderArguments``; environment and defaults through ``RuntimeSettings``), plus the
/// options that only concern how this responder listens.
struct ResponderOptions {
    var settings: RuntimeSettings
    /// `--socket`: listen here instead of on the inherited fd 0.
    var socket: ListenAddress?
    var backlog: Int
    var socketMode: UInt32
    /// `--processes`: run as the master of this many responder processes.
    var processes: Int?
    /// `--env-file`: the responders' settings, read again on each reload.
    var environmentFile: String?
    /// `--public-url` or its environment variable: recorded in the data directory at start.
    var publicURL: String?

    static let publicURLEnvironment = "CLAUDE_TELEMETRY_PUBLIC_URL"

    /// What the command line asked for.
    enum Parsed {
        case run(ResponderOptions)
        /// `--help` (or `-h`): the text to print, made by swift-argument-parser from the table.
        case help(String)
    }

    static let defaultBacklog = 128
    static let defaultSocketMode: UInt32 = 0o660

    /// `%XX` escapes decoded, as a CGI server decodes search words before passing them.
    static func percentDecoded(_ word: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(word.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
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
            !query.contains("=")
        {
            let words = query.split(separator: "+", omittingEmptySubsequences: false).map(Self.percentDecoded)
            if arguments.count >= words.count, Array(arguments.suffix(words.count)) == words {
                arguments.removeLast(words.count)
            }
        }
        let command: ResponderArguments
        do {
            command = try ResponderArguments.parse(arguments)
        } catch {
            if ResponderArguments.exitCode(for: error) == .success {
                if arguments.contains("--version") { return .help(ServiceVersion.current) }
                return .help(ResponderArguments.fullMessage(for: error))
            }
            throw UsageError(ResponderArguments.message(for: error))
        }
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings(flags: command.settingFlags, environment: environment)
        } catch {
            throw UsageError(error.description)
        }

        var socket: ListenAddress?
        if let text = command.socket {
            do {
                socket = try ListenAddress(parsing: text)
            } catch {
                throw UsageError("--socket: \(error)")
            }
        }
        var backlog = defaultBacklog
        if let text = command.backlog {
            guard let number = Int(text), (1...65_535).contains(number) else {
                throw UsageError("--backlog '\(text)' is invalid: expected a whole number from 1 to 65535")
            }
            backlog = number
        }
        var socketMode = defaultSocketMode
        if let text = command.socketMode {
            guard let number = UInt32(text, radix: 8), number <= 0o777 else {
                throw UsageError("--socket-mode '\(text)' is invalid: expected octal permissions such as 660")
            }
            socketMode = number
        }
        var processes: Int?
        if let text = command.processes {
            guard let number = Int(text), (1...64).contains(number) else {
                throw UsageError("--processes '\(text)' is invalid: expected a whole number from 1 to 64")
            }
            processes = number
        }
        if command.environmentFile != nil && processes == nil {
            throw UsageError("--env-file needs --processes (only the master reads it)")
        }
        var publicURL = command.publicURL ?? environment[publicURLEnvironment].flatMap { $0.isEmpty ? nil : $0 }
        if let text = publicURL {
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > 8,
                !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
            else {
                throw UsageError(
                    "--public-url (or \(publicURLEnvironment)) '\(text.prefix(80))' is invalid: expected http://HOST[:PORT] or https://…"
                )
            }
            while publicURL?.hasSuffix("/") == true { publicURL?.removeLast() }
        }
        return .run(
            ResponderOptions(
                settings: settings, socket: socket, backlog: backlog, socketMode: socketMode, processes: processes,
                environmentFile: command.environmentFile, publicURL: publicURL))
    }
}
