import TelemetryStore

/// The team summary as CSV for spreadsheets: one row per user, or one row per group when the
/// report was grouped; with `?period=` one such row per bucket. RFC 4180 quoting, `\n` line
/// ends, a header row. Names come from whoever created or holds a user, so text cells are
/// neutralised as ``CSVExport/text(_:)`` says.
///
/// Which days a row covers is in its `period`, `from` and `to` cells: `all` (every stored day,
/// `from`/`to` empty) when the request names no `from`, `to`, `days` or `period`; `range` for the days
/// `from`..`to`; else the bucket's label with the bucket's days inside the range.
package enum TeamCSV {
    /// Column names of the figures, in the contract's order.
    package static let figureColumns = PublishedFigure.allCases.map(\.key)
    /// The span of a row, then the outcome ratios (empty when undefined, e.g. no commits).
    package static let spanColumns = ["period", "from", "to"]
    package static let userHeader =
        ["userId", "name", "createdAt", "updatedAt"] + figureColumns + spanColumns + Outcomes.columns
    package static let groupHeader = ["group", "value", "members"] + figureColumns + spanColumns + Outcomes.columns

    /// The figures one row shows and the span they cover.
    struct Span {
        let label: String
        let from: String
        let to: String
    }

    /// `wholeRange`: the request named `from`, `to` or `days`, so rows cover the range, not all time.
    package static func csv(_ report: TeamSummaryReport, wholeRange: Bool) -> String {
        let spans: [Span]
        if report.period != nil {
            spans = report.buckets.map { Span(label: $0.label, from: $0.from.description, to: $0.to.description) }
        } else if wholeRange {
            spans = [Span(label: "range", from: report.range.fromKey, to: report.range.toKey)]
        } else {
            spans = [Span(label: "all", from: "", to: "")]
        }
        func figures(_ member: TeamSummaryReport.Member, _ index: Int) -> PublishedTotals {
            if report.period != nil { return member.periodTotals[index] }
            return wholeRange ? member.rangeTotals : member.digest.totals
        }
        var rows: [[String]] = []
        if let groups = report.groups {
            let byId = Dictionary(uniqueKeysWithValues: report.members.map { ($0.digest.userId, $0) })
            for group in groups {
                for (index, span) in spans.enumerated() {
                    var sum = PublishedTotals()
                    for id in group.members { if let member = byId[id] { sum.add(figures(member, index)) } }
                    rows.append(
                        [CSVExport.text(group.key), CSVExport.text(group.value), String(group.members.count)]
                            + cells(sum) + [span.label, span.from, span.to] + Outcomes(sum).cells)
                }
            }
            return render(header: groupHeader, rows: rows)
        }
        for member in report.members {
            let d = member.digest
            for (index, span) in spans.enumerated() {
                let sum = figures(member, index)
                rows.append(
                    [
                        CSVExport.text(d.userId), CSVExport.text(d.name), CSVExport.text(d.createdAt),
                        CSVExport.text(d.updatedAt ?? ""),
                    ] + cells(sum) + [span.label, span.from, span.to] + Outcomes(sum).cells)
            }
        }
        return render(header: userHeader, rows: rows)
    }

    static func cells(_ figures: PublishedTotals) -> [String] {
        PublishedFigure.table.map { CSVExport.cell(figures[$0]) }
    }

    static func render(header: [String], rows: [[String]]) -> String {
        var output = header.map(CSVExport.field).joined(separator: ",") + "\n"
        for row in rows { output += row.map(CSVExport.field).joined(separator: ",") + "\n" }
        return output
    }
}
