import ArgumentParser
import TelemetryAdmin
import TelemetryStore

/// The responder never overwrites a file it cannot read; this finds such files (and other
/// leftovers) so an operator can fix them. Safe to run while the responder serves.
struct Verify: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every user directory; exit 2 when something is wrong.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    func execute() throws {
        // A missing directory is reported as a problem (exit 2), like everything else verify finds.
        let settings = try store.settings(locking: locking, mayCreate: true)
        let report = DataDirectoryVerifier(
            directory: settings.dataDirectory, configuration: settings.store,
            limits: settings.limits
        ).verify()
        let parked = ParkedNotice.summary(settings.dataDirectory)
        if json {
            try Console.printJSON(Report(report, parked: parked))
        } else {
            for problem in report.problems { print("\(problem.path): \(problem.reason)") }
            let count = report.problems.count
            print(
                "\(Format.count(report.usersChecked, "user")), \(Format.count(report.aggregatesChecked, "aggregate")) checked: "
                    + (count == 0 ? "no problems" : Format.count(count, "problem")))
            if let line = parked?.waitingLine { print(line) }
        }
        if !report.isClean { throw Exit.problemsFound }
    }

    struct Report: Encodable {
        let ok: Bool
        let usersChecked: Int
        let aggregatesChecked: Int
        let problems: [VerificationProblem]
        /// What waits in the parked area (not a problem; `claude-telemetry unclaimed` lists it).
        let parkedRequests: Int
        let parkedSources: Int

        init(_ report: VerificationReport, parked: AttributionSummary?) {
            parkedRequests = parked?.parkedRequests ?? 0
            parkedSources = parked?.parkedInstallations ?? 0
            ok = report.isClean
            usersChecked = report.usersChecked
            aggregatesChecked = report.aggregatesChecked
            problems = report.problems
        }
    }
}
