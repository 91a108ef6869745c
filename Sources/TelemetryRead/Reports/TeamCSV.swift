/// The team summary as CSV for spreadsheets: one row per user (all-time totals), or one row per
/// group when the report was grouped. RFC 4180 quoting, `\n` line ends, a header row. Names
/// come from whoever created or holds a user, so text cells that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, CR first) get a `'` in front (``CSVExport/text(_:)``).
public enum TeamCSV {
    /// Column names of the figures, in the contract's order.
    public static let figureColumns = SummaryFigures().fields.map(\.name)
    public static let userHeader = ["userId", "name", "createdAt", "updatedAt"] + figureColumns
    public static let groupHeader = ["group", "value", "members"] + figureColumns

    public static func csv(_ report: TeamSummaryReport) -> String {
        if let groups = report.groups {
            let rows = groups.map { group in
                [CSVExport.text(group.key), CSVExport.text(group.value), String(group.members.count)]
                    + cells(group.totals)
            }
            return render(header: groupHeader, rows: rows)
        }
        let rows = report.members.map { member in
            let d = member.digest
            return [
                CSVExport.text(d.userId), CSVExport.text(d.name), CSVExport.text(d.createdAt),
                CSVExport.text(d.updatedAt ?? ""),
            ] + cells(d.totals)
        }
        return render(header: userHeader, rows: rows)
    }

    static func cells(_ figures: SummaryFigures) -> [String] {
        figures.fields.map { field in
            switch field.value {
            case .count(let count): String(count)
            case .amount(let amount): CSVExport.decimal(amount)
            }
        }
    }

    static func render(header: [String], rows: [[String]]) -> String {
        var output = header.map(CSVExport.field).joined(separator: ",") + "\n"
        for row in rows { output += row.map(CSVExport.field).joined(separator: ",") + "\n" }
        return output
    }
}
