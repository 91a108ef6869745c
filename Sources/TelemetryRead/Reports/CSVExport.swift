import Foundation
package import TelemetryStore

/// Exports a user's published figures as CSV (RFC 4180 quoting, `\n` line ends, header row),
/// for spreadsheets and scripts that should not have to read `aggregate.json`.
package enum CSVExport {
    /// What one row stands for.
    package enum Grouping: String, CaseIterable, Sendable {
        /// One row per day bucket (cut in `--timezone`), oldest first.
        case day
        /// One row per model, sorted by name.
        case model
    }

    /// `date`, then the figures ``PublishedFigure/dayColumns`` names.
    package static let dayHeader = ["date"] + PublishedFigure.dayColumns.map { $0.dayColumn! }

    /// `model`, then the figures the table keeps per model, in its order (the team CSV by model too).
    package static let modelHeader = ["model"] + PublishedFigure.modelFigures.map { $0.modelKey! }

    /// A model's figure cells, in ``modelHeader``'s order.
    package static func modelCells(_ figures: PublishedModel) -> [String] {
        PublishedFigure.modelFigures.map { cell(figures[$0]) }
    }

    /// A published number as a cell: a count as an integer, an amount as a plain decimal.
    package static func cell(_ value: PublishedNumber) -> String {
        switch value {
        case .count(let count): String(count)
        case .amount(let amount): DecimalText.plain(amount)
        }
    }

    package static func csv(_ view: AggregateView, by grouping: Grouping) -> String {
        switch grouping {
        case .day:
            let rows = view.days.map { day -> [String] in
                [text(day.day)] + PublishedFigure.dayColumns.map { cell(day.totals[$0]) }
            }
            return render(header: dayHeader, rows: rows)
        case .model:
            let rows = view.models.map { m in [text(m.name)] + modelCells(m.figures) }
            return render(header: modelHeader, rows: rows)
        }
    }

    static func render(header: [String], rows: [[String]]) -> String {
        var output = header.map(field).joined(separator: ",") + "\n"
        for row in rows { output += row.map(field).joined(separator: ",") + "\n" }
        return output
    }

    /// One field, quoted when it holds a comma, a quote, a line break or edge spaces
    /// (quotes inside are doubled). NUL and ESC never reach the output (a terminal or a
    /// C-string reader would act on them): each becomes U+FFFD.
    package static func field(_ raw: String) -> String {
        var value = raw
        if value.unicodeScalars.contains(where: { $0.value == 0 || $0.value == 0x1B }) {
            value = String(
                String.UnicodeScalarView(
                    raw.unicodeScalars.map { $0.value == 0 || $0.value == 0x1B ? "\u{FFFD}" : $0 }))
        }
        let needsQuotes =
            value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.hasPrefix(" ") || value.hasSuffix(" ")
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text cell. Model names come from whoever holds a user's URL, so a leading `=`, `+`,
    /// `-`, `@`, tab, CR or LF (which spreadsheets run as a formula), or a leading space or
    /// no-break space (which some trim before looking for one), gets a `'` in front.
    package static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r\n \u{00A0}".unicodeScalars.contains(first) else {
            return value
        }
        return "'" + value
    }
}
