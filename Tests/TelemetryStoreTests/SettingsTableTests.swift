import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// The README's "## Settings" table is written by hand; ``Settings/all`` is what the binaries
/// parse and print in `--help`. This fails as soon as the two disagree on a flag, its
/// environment variable, its default or their order.
@Suite("README settings table matches Settings.all")
struct SettingsTableTests {
    /// (flag, environment, default) of every row of the README's settings table.
    static func readmeRows() throws -> [(flag: String, environment: String, defaultValue: String)] {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section =
            try #require(text.components(separatedBy: "\n## Settings\n").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        return section.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, cells[1].hasPrefix("`--") else { return nil }
            func unquoted(_ cell: String) -> String { cell.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            return (String(unquoted(cells[1]).dropFirst(2)), unquoted(cells[2]), cells[3])
        }
    }

    @Test("every setting's row: flag, environment variable and default, in the table's order")
    func readmeAgrees() throws {
        let rows = try Self.readmeRows()
        #expect(rows.map(\.flag) == Settings.all.map(\.flag))
        #expect(rows.map(\.environment) == Settings.all.map(\.environment))
        #expect(
            rows.map(\.defaultValue)
                == Settings.all.map { setting in
                    setting.defaultValue.map { $0.isEmpty ? "(none)" : $0 } ?? "(required)"
                })
    }

    @Test("the types that need a default before settings are read take it from the table")
    func defaultsComeFromTheTable() {
        #expect(OTLPDecoder().maxBodyBytes == Int(Settings.maxBodyBytes.defaultValue ?? ""))
        #expect(StoreConfiguration().lockTimeoutMilliseconds == Int(Settings.lockTimeout.defaultValue ?? ""))
        #expect(StoreConfiguration().durable == (Settings.durability.defaultValue == "durable"))
        #expect(AggregationLimits().days == Int(Settings.retentionDays.defaultValue ?? ""))
        #expect(OTLPDecoder.defaultMaxBodyBytes == 20_971_520)
    }
}
