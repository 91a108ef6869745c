import Foundation
import TelemetryRead
import TelemetryStore

/// Plain aligned columns for terminal output: text left, numbers right, two spaces between.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        let title: String
        let alignment: Alignment

        static func left(_ title: String) -> Column { Column(title: title, alignment: .left) }
        static func right(_ title: String) -> Column { Column(title: title, alignment: .right) }
    }

    let columns: [Column]
    var rows: [[String]] = []
    /// Prefix of every line (for tables nested under a section title).
    var indent = ""

    init(_ columns: [Column], indent: String = "") {
        self.columns = columns
        self.indent = indent
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    func render(header: Bool = true) -> String {
        let lines = (header ? [columns.map(\.title)] : []) + rows
        var widths = columns.map { _ in 0 }
        for line in lines {
            for (index, cell) in line.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return lines.map { line in
            var cells: [String] = []
            for (index, column) in columns.enumerated() {
                let cell = index < line.count ? line[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == columns.count - 1
                switch column.alignment {
                case .left: cells.append(isLast ? cell : cell + padding)
                case .right: cells.append(padding + cell)
                }
            }
            var line = indent + cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// Number formats for people (CSV and JSON keep full precision).
enum Format {
    static func usd(_ value: Double) -> String { fixed(value, places: 4) }
    static func minutes(_ value: Double) -> String { fixed(value, places: 1) }

    /// Whole minutes as the dashboard shows them (web/format.js `duration`): "2 h 05 min",
    /// "45 min", "< 1 min", "0 min".
    static func duration(minutes value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0 min" }
        if value < 0.5 { return "< 1 min" }
        let total = Int(value.rounded())
        let hours = total / 60
        let rest = total % 60
        if hours == 0 { return "\(rest) min" }
        return "\(hours) h \(rest < 10 ? "0" : "")\(rest) min"
    }

    static func fixed(_ value: Double, places: Int) -> String {
        let text = String(format: "%.\(places)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// "1 user", "2 users".
    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    static func number(_ value: PublishedNumber) -> String {
        switch value {
        case .count(let count): String(count)
        case .amount(let amount): DecimalText.plain(amount)
        }
    }

    /// A name for a terminal: control characters (which a sender could put in a model or
    /// tool name) shown as `?` so they cannot move the cursor or change colours, and
    /// bidirectional controls (U+202A–U+202E, U+2066–U+2069), which would reorder the text
    /// around them, shown as a visible `⟦U+202E⟧` marker, as the dashboard shows them.
    static func safe(_ text: String) -> String {
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown.append("?")
            } else if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                shown.append(contentsOf: "⟦U+\(String(scalar.value, radix: 16, uppercase: true))⟧".unicodeScalars)
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }
}
