// claude-telemetry-fcgi: the FastCGI (or CGI) front end of the receiver. This file only
// decides how requests arrive and who serves them; ReceiverService does the rest.

import FastCGI
import Foundation
import Logging
import SystemCalls
import TelemetryService
import TelemetryStore

let program = "claude-telemetry-fcgi"

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
    exit(status)
}

// Settings: flags, then environment (with a master's --env-file over it), then defaults.
let environment: [String: String]
do {
    environment = try Master.environment(ProcessInfo.processInfo.environment, arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)", status: ExitCode.usage)
}
let options: ResponderOptions
do {
    switch try ResponderOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: environment) {
    case .help(let text):
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        exit(ExitCode.success)
    case .run(let parsed):
        options = parsed
    }
} catch {
    fail("\(error) (see --help)", status: ExitCode.usage)
}
let settings = options.settings
// A responder of a master: it ends with the master, however the master ends.
if !MasterDeath.follow(environment: environment) {
    fail("its master process has ended; not starting", status: ExitCode.success)
}

let logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
// The log handler stamps each line through `localtime`, and glibc re-reads the zone file (a
// `stat` per line) whenever TZ is unset; naming the same file lets it load the zone once.
// Set before any thread starts, as `setenv` requires.
if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
LoggingSystem.bootstrap { label in RequestLogHandler(label: label, level: logLevel) }
let logger = Logger(label: program)

// The data directory must be usable before the first request arrives.
let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
do {
    try users.prepare()
} catch {
    fail("data directory \(settings.dataDirectory.root) is not usable: \(error)", status: ExitCode.cannotCreate)
}
if access(settings.dataDirectory.usersDirectory, W_OK | X_OK) != 0 {
    let reason = SystemCallError(call: "access(\(settings.dataDirectory.usersDirectory), W_OK)", errno: errno)
    fail("data directory \(settings.dataDirectory.root) is not writable: \(reason)", status: ExitCode.cannotCreate)
}

// Recorded for the admin tool: the public URL its printed lines use, and where the data is.
if environment["GATEWAY_INTERFACE"] == nil {
    let root = settings.dataDirectory.root
    let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
    let record = ServiceRecord(publicURL: options.publicURL, dataDirectory: absolute, startedAt: Timestamp.now().iso8601)
    for problem in record.write() {
        logger.warning("cannot record the service's settings: \(problem)")
    }
}

AggregateStore.limitDocumentCache(toBytes: settings.documentCacheBytes)
let service = ReceiverService(
    configuration: ServiceConfiguration(
        dataDirectory: settings.dataDirectory, store: settings.store, limits: settings.limits,
        maxBodyBytes: settings.maxBodyBytes, unattributed: settings.unattributed,
        trustClientEmail: settings.trustClientEmail))
/// This process's own counters, in a slot of the data directory (the master takes none).
func openCounters() -> ServiceCounters? {
    do {
        let (counters, damaged) = try ServiceCounters.open(settings.dataDirectory)
        if damaged {
            logger.warning("the service counters' file \(counters.slot.countersPath) was damaged; its counts start again")
        }
        return counters
    } catch {
        logger.warning("the service's own counters are off (requests are served): \(error)")
        return nil
    }
}

// Before FCGX_Init, so that libfcgi leaves SIGPIPE ignored instead of installing its handler.
StopSignals.ignoreBrokenPipe()
do {
    try FastCGILibrary.initialize()
} catch {
    fail("\(error)", status: ExitCode.systemError)
}

// Where requests come from: --socket, the socket spawn-fcgi left on fd 0, or CGI.
let socket: ListeningSocket
if let address = options.socket {
    do {
        socket = try ListeningSocket.open(address, backlog: options.backlog, mode: mode_t(options.socketMode))
    } catch {
        fail("\(error)", status: ExitCode.systemError)
    }
} else if FastCGILibrary.standardInputIsListeningSocket {
    socket = .inherited
} else if environment["GATEWAY_INTERFACE"] != nil {
    let delivered = CGIResponder(
        exchange: Exchange(service: service, logger: logger, counters: openCounters()), maxBodyBytes: settings.maxBodyBytes,
        timeoutMilliseconds: settings.requestTimeoutMilliseconds
    ).serve(environment: environment)
    exit(delivered ? ExitCode.success : ExitCode.systemError)
} else {
    fail(
        """
        nothing to serve: fd 0 is not a FastCGI listening socket, no --socket was given, and \
        GATEWAY_INTERFACE is not set (not running as CGI). Run it under spawn-fcgi \
        (spawn-fcgi -s /run/claude-telemetry/fcgi.sock -- \(program) --data-dir DIR), \
        with --socket PATH or --socket 127.0.0.1:PORT, or as a CGI program. See --help.
        """, status: ExitCode.usage)
}

do {
    try socket.setNonBlocking()
} catch {
    fail("the listening socket (fd \(socket.descriptor)) is unusable: \(error)", status: ExitCode.systemError)
}

// The master holds the socket and runs responder processes on it; it serves nothing itself.
if let processes = options.processes {
    let executable = Master.executablePath(CommandLine.arguments[0], environment: environment)
    Master(
        socket: socket, address: options.socket, executable: executable,
        arguments: Master.responderArguments(Array(CommandLine.arguments.dropFirst())), processes: processes,
        environmentFile: options.environmentFile, logger: Logger(label: program + " master")
    ).run()
}

let exchange = Exchange(service: service, logger: logger, counters: openCounters())

// Block the stop signals before any thread exists, so only the main thread ever sees them.
let signals: StopSignals
do {
    signals = try StopSignals.block()
} catch {
    fail("\(error)", status: ExitCode.systemError)
}

// Watches every worker's connection deadline; a tenth of the timeout keeps the overrun small.
let deadlines = ConnectionDeadlines(tickMilliseconds: min(250, max(10, settings.requestTimeoutMilliseconds / 10)))
do {
    try deadlines.start()
} catch {
    fail("\(error)", status: ExitCode.systemError)
}
let budget = MemoryBudget(limit: settings.memoryBudgetBytes)
MemoryRelease.configure()

logger.notice(
    "starting: pid \(getpid()), \(settings.threads) threads, listening on \(options.socket.map { "\($0)" } ?? "fd 0"), data in \(settings.dataDirectory.root)"
)
let stop = StopState()
// One thread accepts every connection and waits for its request; workers get only ready ones.
let acceptor: ConnectionAcceptor
do {
    let acceptorLogger = logger
    acceptor = try ConnectionAcceptor(
        listeningSocket: socket, timeoutMilliseconds: settings.requestTimeoutMilliseconds,
        log: { acceptorLogger.info("connection closed without a request: \($0)") },
        fail: { [stop] reason in
            acceptorLogger.critical("\(reason)")
            stop.fail()
        })
    try acceptor.start(until: { [stop] in stop.isStopRequested })
} catch {
    fail("\(error)", status: ExitCode.systemError)
}
var threads = WorkerThreads()
for number in 1...settings.threads {
    do {
        try threads.start(
            Worker(
                number: number, acceptor: acceptor, exchange: exchange,
                maxBodyBytes: settings.maxBodyBytes, stop: stop, deadlines: deadlines, budget: budget))
    } catch {
        logger.critical("cannot start worker \(number): \(error)")
        stop.fail()
        break
    }
}

// Wait for a stop signal (or a worker's fatal error), then for the workers to finish their
// requests. A second signal while waiting exits at once.
var stopSignal: CInt?
// Meanwhile, fold the journals of users who stopped writing (see JournalSweep).
let sweep = JournalSweep(
    store: AggregateStore(directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits))
var nextSweep = Timestamp.now().seconds + 30
// The counters reach their file every few seconds, and at the end.
var nextFlush = Timestamp.now().seconds + 5
while !stop.isStopRequested {
    if let number = signals.wait(milliseconds: 200) {
        stopSignal = number
        logger.notice("stopping on \(StopSignals.name(number)); finishing requests in flight")
        stop.requestStop()
    } else if Timestamp.now().seconds >= nextSweep {
        sweep.run()
        nextSweep = Timestamp.now().seconds + 30
    }
    if Timestamp.now().seconds >= nextFlush {
        exchange.flushCounters()
        nextFlush = Timestamp.now().seconds + 5
    }
}
while stop.runningWorkers > 0 {
    if let number = signals.wait(milliseconds: 50) {
        logger.warning(
            "\(stopSignal == nil ? "" : "second ")\(StopSignals.name(number)): exiting without waiting for \(stop.runningWorkers) workers"
        )
        exchange.flushCounters()
        exit(ExitCode.software)
    }
}
threads.joinAll()
exchange.flushCounters()
if let address = options.socket {
    try? ListeningSocket.removeSocketFile(of: address)
}
logger.notice("stopped")
exit(stop.hasFailed ? ExitCode.software : ExitCode.success)
