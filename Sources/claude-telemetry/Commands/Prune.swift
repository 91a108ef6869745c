import ArgumentParser
import TelemetryAdmin
import TelemetryStore

/// Applies the retention policy to day buckets by age. The aggregator only bounds their
/// number, and only when new days arrive, so idle users would keep old days forever.
struct Prune: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop day buckets older than the retention period (totals are kept).",
        discussion:
            "Keeps today and the N days before it, today taken in the deployment's time zone (the one its days were cut in); older buckets are dropped under each user's lock."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions

    @Option(
        name: .customLong(Settings.retentionDays.flag),
        help: StoreOptions.help(
            "Keep today and this many days before it.", Settings.retentionDays,
            valueName: "days"))
    var retentionDays: String?

    @Option(
        name: .customLong(Settings.timeZone.flag),
        help: StoreOptions.help(
            "The zone the service cuts days in (its --timezone): today is taken there.", Settings.timeZone,
            valueName: "zone"))
    var timeZone: String?

    @Flag(help: "Only report what would be dropped.")
    var dryRun = false

    func execute() throws {
        let settings = try store.settings(locking: locking, retentionDays: retentionDays, timeZone: timeZone)
        let retention = settings.limits.days
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        let pruner = DailyPruner(
            store: AggregateStore(
                directory: settings.dataDirectory, configuration: settings.store,
                limits: settings.limits))
        if !dryRun { OwnerCheck.warnIfForeign(settings.dataDirectory) }
        let now = Timestamp.now()
        let zone = settings.limits.dayZone
        let cutoff = DailyPruner.cutoffDay(retentionDays: retention, now: now, zone: zone)
        print(
            "Keeping days from \(cutoff) (retention \(Format.count(retention, "day")), today \(CivilDate(days: zone.dayNumber(atSecond: Int64(clamping: now.seconds))).text) in \(zone))\(dryRun ? ", dry run" : ""):"
        )

        var firstFailure: (any Error)?
        var table = TextTable([.left("ID"), .left("NAME"), .right(dryRun ? "WOULD DROP" : "DROPPED"), .left("DAYS")])
        for user in try users.knownUsers() {
            let name = (try? users.record(user))??.name ?? "?"
            do {
                let dropped = try pruner.prune(user, retentionDays: retention, now: now, dryRun: dryRun)
                let range = dropped.isEmpty ? "" : dropped.count == 1 ? dropped[0] : "\(dropped.first!) … \(dropped.last!)"
                table.append([user.rawValue, Format.safe(name), String(dropped.count), range])
            } catch {
                table.append([user.rawValue, Format.safe(name), "failed", ""])
                Console.error("\(user): \(AdminFailure.message(for: error))")
                firstFailure = firstFailure ?? error
            }
        }
        print(table.render())
        // Every user was tried; the first failure decides the exit code.
        if let firstFailure { throw AdminFailure.exitCode(for: firstFailure) }
    }
}
