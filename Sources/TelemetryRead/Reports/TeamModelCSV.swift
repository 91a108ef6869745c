package import TelemetryStore

/// The team CSV split by model (`team/summary.csv?by=model`): one row per model per span (all
/// time, the range, or each `?period=` bucket), the team's tokens, cost, requests and errors of
/// that model. Within a range, a row with an empty `model` holds what no model accounts for
/// (days stored before models were kept per day, amounts reported without a model): stored
/// model names are never empty, so it cannot be mistaken for one. A span's rows add up to the
/// team's figures of that span.
package enum TeamModelCSV {
    package static let header = CSVExport.modelHeader + TeamCSV.spanColumns

    package static func csv(_ report: TeamSummaryReport, wholeRange: Bool) -> String {
        var rows: [[String]] = []
        func append(_ name: String, _ m: PublishedModel, _ span: [String]) {
            rows.append([CSVExport.text(name)] + CSVExport.modelCells(m) + span)
        }
        if report.period == nil && !wholeRange {
            // All time: the users' whole model maps, which were always kept.
            for name in report.models.keys.sorted() { append(name, report.models[name]!, ["all", "", ""]) }
            return TeamCSV.render(header: header, rows: rows)
        }
        let spans =
            report.period == nil
            ? [Period.Bucket(label: "range", from: report.range.from, to: report.range.to)] : report.buckets
        for span in spans {
            let (models, unknown) = report.models(in: span)
            let cells = [span.label, span.from.description, span.to.description]
            for name in models.keys.sorted() { append(name, models[name]!, cells) }
            if let unknown { append("", unknown, cells) }
        }
        return TeamCSV.render(header: header, rows: rows)
    }
}

extension TeamSummaryReport {
    /// The team's figures per model over the days of `span` (inside the report's range), and
    /// what no model accounts for (nil when the models cover those days).
    package func models(in span: Period.Bucket) -> (models: [String: PublishedModel], unknown: PublishedModel?) {
        var models: [String: PublishedModel] = [:]
        var unknown: PublishedModel?
        // In day order, so the same data always gives the same sums.
        for day in days.keys.sorted() where span.contains(day) {
            let teamDay = days[day]!
            for model in teamDay.models { models[model.name, default: PublishedModel()].add(model.figures) }
            if let part = teamDay.unknownModel {
                var sum = unknown ?? PublishedModel()
                sum.add(part)
                unknown = sum
            }
        }
        return (models, unknown)
    }
}
