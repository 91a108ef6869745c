import Foundation
import SystemCalls

/// The budgets of a data directory, in `<data-dir>/budgets.json` (mode 0600). The admin tool
/// sets and removes them; the responder reads the file on every summary, scrape and team
/// request, so a change shows at once. At most one budget per scope: setting one again
/// replaces it.
package struct BudgetStore: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration

    /// At most this many budgets, so the file and the work per scrape stay small.
    package static let maximumCount = 1000

    package init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration()) {
        self.directory = directory
        self.configuration = configuration
    }

    package var path: String { directory.root + "/budgets.json" }
    var lockPath: String { directory.root + "/.budgets.lock" }

    /// Sets (or replaces) the budget of `budget.scope`. Returns true when one was replaced.
    @discardableResult
    package func set(_ budget: Budget) throws -> Bool {
        do {
            try FileSystem.makeDirectory(directory.root)
        } catch {
            throw error.storage("create directory", directory.root)
        }
        let lock = try FileLock(path: lockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var budgets = try list()
        let replaced = budgets.contains { $0.scope == budget.scope }
        budgets.removeAll { $0.scope == budget.scope }
        guard budgets.count < Self.maximumCount else {
            throw BudgetError.invalidScope("at most \(Self.maximumCount) budgets can be set; remove one first")
        }
        budgets.append(budget)
        try write(budgets)
        _ = consume lock
        return replaced
    }

    /// Removes the budget of `scope`; throws ``BudgetError/unknown(_:)`` when there is none.
    package func remove(_ scope: BudgetScope) throws {
        guard FileSystem.exists(path) else { throw BudgetError.unknown(scope.description) }
        let lock = try FileLock(path: lockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var budgets = try list()
        guard budgets.contains(where: { $0.scope == scope }) else { throw BudgetError.unknown(scope.description) }
        budgets.removeAll { $0.scope == scope }
        try write(budgets)
        _ = consume lock
    }

    /// Every budget: team first, then groups by key and value, then users by id. No file, none.
    package func list() throws(StorageError) -> [Budget] {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            throw error.storage("read", path)
        }
        let file: BudgetFile
        do {
            file = try JSONDecoder().decode(BudgetFile.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, reason: "not a budget list: \(error)")
        }
        var budgets: [Budget] = []
        for entry in file.budgets {
            guard let budget = entry.budget else {
                throw .corrupt(path: path, reason: "a budget with an invalid scope or amount")
            }
            budgets.append(budget)
        }
        return Self.sorted(budgets)
    }

    static func sorted(_ budgets: [Budget]) -> [Budget] {
        func key(_ scope: BudgetScope) -> (Int, String, String) {
            switch scope {
            case .team: (0, "", "")
            case .group(let key, let value): (1, key, value)
            case .user(let user): (2, user.rawValue, "")
            }
        }
        return budgets.sorted { key($0.scope) < key($1.scope) }
    }

    private func write(_ budgets: [Budget]) throws(StorageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = BudgetFile(budgets: Self.sorted(budgets).map(Entry.init))
        let bytes = Array((try? encoder.encode(file)) ?? Data()) + [UInt8(ascii: "\n")]
        _ = try? FileSystem.removeFile(AtomicFile.temporaryPath(for: path))
        try AtomicFile.replace(path, with: bytes, durable: configuration.durable, permissions: 0o600)
    }

    /// One budget as the file holds it.
    struct Entry: Codable {
        var scope: String
        var user: String?
        var groupKey: String?
        var groupValue: String?
        var monthlyUsd: Double
        var weeklyUsd: Double?
        var dailyUsd: Double?
        var updatedAt: String

        init(_ budget: Budget) {
            scope = budget.scope.kind
            switch budget.scope {
            case .user(let id): user = id.rawValue
            case .group(let key, let value):
                groupKey = key
                groupValue = value
            case .team: break
            }
            monthlyUsd = budget.monthlyUsd
            weeklyUsd = budget.weeklyUsd
            dailyUsd = budget.dailyUsd
            updatedAt = budget.updatedAt
        }

        var budget: Budget? {
            let parsed: BudgetScope
            switch scope {
            case "team": parsed = .team
            case "user":
                guard let user, let id = try? UserID(validating: user) else { return nil }
                parsed = .user(id)
            case "group":
                guard let groupKey, let groupValue, let group = try? BudgetScope.group(groupKey + "=" + groupValue) else {
                    return nil
                }
                parsed = group
            default: return nil
            }
            for amount in [monthlyUsd, weeklyUsd ?? 1, dailyUsd ?? 1] where !(amount > 0 && amount <= 1_000_000_000) {
                return nil
            }
            return Budget(scope: parsed, monthlyUsd: monthlyUsd, weeklyUsd: weeklyUsd, dailyUsd: dailyUsd, updatedAt: updatedAt)
        }
    }

    struct BudgetFile: Codable {
        var budgets: [Entry]
    }
}
