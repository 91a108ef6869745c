/// How much a user has sent, whatever became of it: applied, rejected (unusable values) or
/// recognised as a replay. Published under `received` so rejections are never silent.
package struct ReceiveCounters: Codable, Equatable, Sendable {
    package var metricRequests: Int = 0
    package var logRequests: Int = 0
    package var dataPointsApplied: Int = 0
    package var dataPointsRejected: Int = 0
    package var dataPointsDuplicate: Int = 0
    package var logRecordsApplied: Int = 0
    package var logRecordsRejected: Int = 0
    package var logRecordsDuplicate: Int = 0
    package var traceRequests: Int = 0
    package var spansApplied: Int = 0
    package var spansRejected: Int = 0
    package var spansDuplicate: Int = 0

    package init() {}

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metricRequests = try c.decodeIfPresent(Int.self, forKey: .metricRequests) ?? 0
        logRequests = try c.decodeIfPresent(Int.self, forKey: .logRequests) ?? 0
        dataPointsApplied = try c.decodeIfPresent(Int.self, forKey: .dataPointsApplied) ?? 0
        dataPointsRejected = try c.decodeIfPresent(Int.self, forKey: .dataPointsRejected) ?? 0
        dataPointsDuplicate = try c.decodeIfPresent(Int.self, forKey: .dataPointsDuplicate) ?? 0
        logRecordsApplied = try c.decodeIfPresent(Int.self, forKey: .logRecordsApplied) ?? 0
        logRecordsRejected = try c.decodeIfPresent(Int.self, forKey: .logRecordsRejected) ?? 0
        logRecordsDuplicate = try c.decodeIfPresent(Int.self, forKey: .logRecordsDuplicate) ?? 0
        traceRequests = try c.decodeIfPresent(Int.self, forKey: .traceRequests) ?? 0
        spansApplied = try c.decodeIfPresent(Int.self, forKey: .spansApplied) ?? 0
        spansRejected = try c.decodeIfPresent(Int.self, forKey: .spansRejected) ?? 0
        spansDuplicate = try c.decodeIfPresent(Int.self, forKey: .spansDuplicate) ?? 0
    }
}
