import FastCGI
import Foundation
import Logging
import SystemCalls

/// `--processes N`: a small master process, as php-fpm's, for machines without systemd. It
/// holds the listening socket for the whole life of the service and runs N responder processes
/// on it (this same program, the socket as their fd 0, as spawn-fcgi passes it).
///
/// SIGHUP replaces the responders without closing the socket: the environment file is read
/// again, N new responders (of the executable now on disk, so an upgrade takes effect) start
/// accepting, and only then are the old ones sent SIGTERM, on which they finish what they
/// accepted and exit. Connections arriving meanwhile wait in the socket's backlog; none is
/// refused. SIGTERM or SIGINT stop the responders the same way, then the master.
/// A responder that dies is replaced after a second.
struct Master {
    let socket: ListeningSocket
    /// Removed when the master stops, when the master created it (`--socket PATH`).
    let address: ListenAddress?
    let executable: String
    /// The responders' command line: this one without the master's own options.
    let arguments: [String]
    let processes: Int
    let environmentFile: String?
    let logger: Logger

    /// The options only the master reads, with whether each takes a value.
    static let ownOptions: [String: Bool] = [
        "--processes": true, "--socket": true, "--backlog": true, "--socket-mode": true, "--env-file": true,
    ]

    /// `arguments` without the master's own options (`--name value` and `--name=value`).
    static func responderArguments(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            if let takesValue = ownOptions[name] {
                index += (takesValue && !word.contains("=")) ? 2 : 1
                continue
            }
            result.append(word)
            index += 1
        }
        return result
    }

    /// The path this program was started by, made absolute (searched in `PATH` when it is a bare
    /// name): the responders are started from it, so an upgraded file is what a reload runs.
    static func executablePath(_ path: String, environment: [String: String]) -> String {
        if path.hasPrefix("/") { return path }
        if path.contains("/") { return FileManager.default.currentDirectoryPath + "/" + path }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(path)"
            if access(candidate, X_OK) == 0 {
                return candidate.hasPrefix("/") ? candidate : FileManager.default.currentDirectoryPath + "/" + candidate
            }
        }
        return path
    }

    /// `NAME=value` lines (blank lines and `#` comments skipped), as systemd's EnvironmentFile=;
    /// as there, a leading `-` lets the file be missing (no settings then).
    static func readEnvironmentFile(_ given: String) throws -> [String: String] {
        let optional = given.hasPrefix("-")
        let path = optional ? String(given.dropFirst()) : given
        if optional && access(path, F_OK) != 0 && errno == ENOENT { return [:] }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UsageError("--env-file \(path) cannot be read: \(error.localizedDescription)")
        }
        var values: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "="),
                trimmed[..<equals].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                !trimmed[..<equals].isEmpty
            else {
                throw UsageError("--env-file \(path) line \(number + 1): expected NAME=value")
            }
            values[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        return values
    }

    /// `environment` with the values of the `--env-file` among `arguments` over it, if any.
    static func environment(_ environment: [String: String], arguments: [String]) throws -> [String: String] {
        var path: String?
        for (index, word) in arguments.enumerated() {
            if word == "--env-file", index + 1 < arguments.count { path = arguments[index + 1] }
            if word.hasPrefix("--env-file=") { path = String(word.dropFirst("--env-file=".count)) }
        }
        guard let path else { return environment }
        return environment.merging(try readEnvironmentFile(path)) { _, new in new }
    }

    /// The responders' environment: the master's, with the file's values over it; checked by
    /// parsing the responders' command line with it, so a bad value is reported here.
    func responderEnvironment() throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let environmentFile {
            environment.merge(try Self.readEnvironmentFile(environmentFile)) { _, new in new }
        }
        _ = try ResponderOptions.parse(arguments, environment: environment)
        return environment
    }

    /// Runs until stopped; exits the process.
    func run() -> Never {
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1] { sigaddset(&signals, number) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        var environment: [String: String]
        do {
            environment = try responderEnvironment()
        } catch {
            logger.critical("\(error)")
            exit(ExitCode.usage)
        }
        var current: [pid_t] = []
        var retiring: Set<pid_t> = []
        for _ in 0..<processes {
            guard let pid = spawn(environment) else { exit(ExitCode.systemError) }
            current.append(pid)
        }
        logger.notice("master \(getpid()): \(processes) responders \(current) on fd \(socket.descriptor)")
        var stopping = false
        var replaceAt: [Date] = []

        while true {
            // Reap every responder that ended.
            while true {
                var status: CInt = 0
                let pid = waitpid(-1, &status, WNOHANG)
                if pid <= 0 { break }
                if retiring.remove(pid) != nil { continue }
                guard let index = current.firstIndex(of: pid) else { continue }
                current.remove(at: index)
                if stopping { continue }
                let exited = (status & 0x7F) == 0
                let code = (status >> 8) & 0xFF
                if exited && (code == ExitCode.usage || code == ExitCode.cannotCreate) {
                    logger.critical("responder \(pid) exited with status \(code) (its settings or data directory): stopping")
                    stopping = true
                    for other in current { kill(other, SIGTERM) }
                    if current.isEmpty { finish(status: code) }
                    continue
                }
                logger.error(
                    "responder \(pid) ended (\(exited ? "exit status \(code)" : "signal \(status & 0x7F)")); starting another in a second"
                )
                replaceAt.append(Date().addingTimeInterval(1))
            }
            if stopping && current.isEmpty && retiring.isEmpty { finish(status: ExitCode.success) }
            if !stopping {
                let now = Date()
                while let first = replaceAt.first, first <= now {
                    replaceAt.removeFirst()
                    if let pid = spawn(environment) { current.append(pid) }
                }
            }

            var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
            let number = sigtimedwait(&signals, nil, &timeout)
            switch number {
            case SIGHUP where !stopping:
                // systemd's ExecReload= (kill -HUP) cleared O_NONBLOCK on the shared socket: set it
                // again now, also when the reload is refused below and no new responder starts.
                try? socket.setNonBlocking()
                let fresh: [String: String]
                do {
                    fresh = try responderEnvironment()
                } catch {
                    logger.error("reload refused, the responders keep running: \(error)")
                    continue
                }
                environment = fresh
                var started: [pid_t] = []
                for _ in 0..<processes {
                    if let pid = spawn(environment) { started.append(pid) }
                }
                // Give the new responders a moment; if one fails at once, keep the old ones.
                usleep(300_000)
                var failed = false
                for pid in started {
                    var status: CInt = 0
                    if waitpid(pid, &status, WNOHANG) == pid {
                        failed = true
                        logger.error(
                            "reload: new responder \(pid) exited at once (status \((status >> 8) & 0xFF)); the old ones keep running"
                        )
                        started.removeAll { $0 == pid }
                    }
                }
                if failed {
                    for pid in started { kill(pid, SIGTERM) }
                    retiring.formUnion(started)
                    continue
                }
                logger.notice("reload: responders \(started) accepting; \(current) finish their requests and exit")
                for pid in current { kill(pid, SIGTERM) }
                retiring.formUnion(current)
                current = started
            case SIGTERM, SIGINT, SIGUSR1:
                if stopping {
                    logger.warning("second stop signal: ending the responders at once")
                    for pid in current + retiring { kill(pid, SIGKILL) }
                    finish(status: ExitCode.software)
                }
                logger.notice("master stopping: responders finish their requests")
                stopping = true
                for pid in current + retiring { kill(pid, SIGTERM) }
            default:
                break
            }
        }
    }

    private func finish(status: CInt) -> Never {
        if let address { try? ListeningSocket.removeSocketFile(of: address) }
        logger.notice("master stopped")
        exit(status)
    }

    /// Starts one responder with the socket as its fd 0 and no signal blocked.
    private func spawn(_ environment: [String: String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if socket.descriptor != 0 {
            posix_spawn_file_actions_adddup2(&actions, socket.descriptor, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [executable] + arguments
        var named = environment
        named[MasterDeath.variable] = String(getpid())
        let envp = named.map { "\($0.key)=\($0.value)" }
        var cArgv = argv.map { strdup($0) } + [nil]
        var cEnvp = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnvp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &cArgv, &cEnvp)
        guard result == 0 else {
            logger.critical("cannot start a responder (\(executable)): \(SystemCallError(call: "posix_spawn", errno: result))")
            return nil
        }
        return pid
    }
}
