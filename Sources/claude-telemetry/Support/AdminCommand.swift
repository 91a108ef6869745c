import ArgumentParser
import Foundation
import TelemetryAdmin
import TelemetryStore

/// A command whose failures all leave through one place: printed to stderr as
/// `claude-telemetry: <message>` and turned into the documented exit code.
protocol AdminCommand: ParsableCommand {
    func execute() throws
}

extension AdminCommand {
    mutating func run() throws {
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Console.error(AdminFailure.message(for: error))
            throw AdminFailure.exitCode(for: error)
        }
    }
}

/// Exit codes (sysexits where one fits).
enum Exit {
    static let problemsFound = ExitCode(2)
    static let unknownUser = ExitCode(3)
    static let usage = ExitCode(64)
    static let cannotCreate = ExitCode(73)
    static let ioError = ExitCode(74)
}

/// Failures of the tool itself (the core's errors are mapped as they are).
enum AdminError: Error, CustomStringConvertible {
    case unknownUser(UserID)
    case cannotWriteOutput(path: String, reason: String)
    case invalidArgument(String)

    var description: String {
        switch self {
        case .unknownUser(let user):
            return "unknown user \(user) (see `claude-telemetry user list`)"
        case .cannotWriteOutput(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .invalidArgument(let message):
            return message
        }
    }
}

enum AdminFailure {
    static func exitCode(for error: any Error) -> ExitCode {
        switch error {
        case AdminError.unknownUser, IngestError.unknownUser: Exit.unknownUser
        case AdminTokenError.unknownName: Exit.unknownUser
        case BudgetError.unknown: Exit.unknownUser
        case is BudgetError: Exit.usage
        case is AdminTokenError: Exit.usage
        case AdminError.cannotWriteOutput: Exit.cannotCreate
        case AdminError.invalidArgument, is SettingsError, is ExporterEnvironmentError, is UserIDError, is AttributionError:
            Exit.usage
        case let storage as StorageError: storage.isWriteFailure ? Exit.cannotCreate : Exit.ioError
        default: Exit.ioError
        }
    }

    static func message(for error: any Error) -> String {
        switch error {
        case StorageError.corrupt:
            return "\(error) (run `claude-telemetry verify`)"
        case let storage as StorageError where storage.isOutOfSpace:
            return "\(storage) (the disk is full)"
        default:
            return String(describing: error)
        }
    }
}

/// Output that is not a command's result goes to stderr.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("claude-telemetry: \(message)\n".utf8))
    }

    /// Writes bytes to stdout unchanged (no added newline).
    static func write(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Pretty, key-sorted JSON on stdout, slashes unescaped (URLs stay readable).
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Parses a command-line user id with the core's strict rules, so a typo is a usage error
/// (exit 64) rather than "unknown user".
@Sendable func parseUserID(_ text: String) throws -> UserID {
    do {
        return try UserID(validating: text)
    } catch {
        throw ValidationError(error.description)
    }
}
