// Inputs found by the libFuzzer targets in Fuzz/ (see Fuzz/README.md), minimized, in
// Fixtures/Regressions/. Each goes through the path its target feeds it through and must give
// the outcome stated, without trapping.

import Foundation
import OTLPProto
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference
@testable import TelemetryStore

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    let decoder = OTLPDecoder(maxBodyBytes: 1 << 20)
    let limits = AggregationLimits()

    static func regression(_ name: String) throws -> [UInt8] { try Fixtures.bytes("Regressions/" + name) }

    // MARK: protobuf target

    /// ResourceMetrics / ResourceLogs field 1 (`resource`, a message) sent as a varint. A known,
    /// accepted divergence (the first finding of the protobuf target's differential check): the
    /// hand-written decoder refuses a known field with another wire type (ProtobufReader.expect;
    /// ProtobufBatchDecoderTests "malformed input" wants exactly that), while protobuf's reference
    /// parsers (C++, Go, Java, swift-protobuf) skip it as an unknown field. No encoder writes one.
    /// The protobuf target tolerates this difference ("malformed protobuf" refusals).
    @Test("a known field with another wire type: malformed for the receiver, skipped by swift-protobuf")
    func wireTypeMismatch() throws {
        let body = try Self.regression("protobuf-wire-type-mismatch.pb")
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .metrics, reason: "malformed protobuf")) {
            try decoder.decodeMetricsBatch(body, format: .protobuf)
        }
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .logs, reason: "malformed protobuf")) {
            try decoder.decodeLogsBatch(body, format: .protobuf)
        }
        #expect(
            MetricsBatch(try decoder.decodeMetrics(body, format: .protobuf))
                == MetricsBatch(resourceMetrics: [MetricsBatch.ResourceMetrics()]))
        #expect(LogsBatch(try decoder.decodeLogs(body, format: .protobuf)) == LogsBatch(resourceLogs: [LogsBatch.ResourceLogs()]))
    }

    /// A varint whose tenth byte is above 1 (more than 64 bits). A known, accepted divergence:
    /// the hand-written decoder refuses it (as Go's protowire does), swift-protobuf drops the
    /// extra bits (as C++ does). No encoder writes such a varint. The protobuf target tolerates
    /// this difference ("malformed protobuf" refusals).
    @Test("a varint longer than 64 bits: malformed for the receiver, read by swift-protobuf")
    func overlongVarint() throws {
        let body = try Self.regression("protobuf-varint-tenth-byte.pb")
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .metrics, reason: "malformed protobuf")) {
            try decoder.decodeMetricsBatch(body, format: .protobuf)
        }
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .logs, reason: "malformed protobuf")) {
            try decoder.decodeLogsBatch(body, format: .protobuf)
        }
        #expect(try decoder.decodeMetrics(body, format: .protobuf).resourceMetrics.isEmpty)
    }

    // MARK: protobuf and json targets

    /// `aggregationTemporality` -1 on a known Sum metric. Up to commit de33d5b the series key
    /// was built with `UInt64(temporality.rawValue)`, which traps on a negative enum value: one
    /// request stopped the responder. Now the point is rejected with the temporality reason.
    @Test(
        "a negative aggregationTemporality is rejected, not a trap",
        arguments: [
            ("protobuf-negative-temporality.pb", PayloadFormat.protobuf),
            ("json-negative-temporality.json", PayloadFormat.json),
        ])
    func negativeTemporality(_ name: String, _ format: PayloadFormat) throws {
        let batch = try decoder.decodeMetricsBatch(try Self.regression(name), format: format)
        guard case .sum(let sum) = batch.resourceMetrics.first?.scopeMetrics.first?.metrics.first?.data else {
            Issue.record("no sum metric decoded")
            return
        }
        #expect(sum.aggregationTemporality == -1)

        var document = AggregateDocument(user: testUser, limits: limits)
        let report = MetricsAggregator(limits: limits).apply(batch, to: &document, now: fixedNow)
        #expect(report.applied == 0)
        #expect(report.rejected == 1)
        #expect(report.reasons == ["claude_code.session.count: aggregationTemporality must be delta (1) or cumulative (2)"])
        // The document still round-trips.
        let written = AggregateCoding.encode(document)
        let reread = try AggregateCoding.decode(written, expectedUser: testUser, limits: limits)
        #expect(AggregateCoding.encode(reread) == written)
    }

    // MARK: gzip target (stored aggregate.json)

    /// `state.seriesClock` = 2^64 - 1. It decoded, and the next update of any series trapped on
    /// `seriesClock += 1` (AggregateDocument.touchSeries): a damaged file stopped the responder
    /// on every metrics request of that user instead of being reported as corrupt.
    @Test("a stored seriesClock that would overflow is reported as corrupt")
    func seriesClockOverflow() throws {
        let bytes = try Self.regression("aggregate-series-clock-overflow.json")
        #expect(throws: AggregateCodingError.self) {
            try AggregateCoding.decode(bytes, expectedUser: testUser, limits: limits)
        }
        do {
            _ = try AggregateCoding.decode(bytes, expectedUser: testUser, limits: limits)
        } catch {
            #expect(error.reason == "state.seriesClock 18446744073709551615 is out of range")
        }
        // The largest clock accepted still leaves room for every update a receiver can make.
        let largest = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "18446744073709551615", with: String((1 << 53) - 1))
        var document = try AggregateCoding.decode(Array(largest.utf8), expectedUser: testUser, limits: limits)
        _ = MetricsAggregator(limits: limits).apply(try Fixtures.metrics("metrics-cumulative-1.pb"), to: &document, now: fixedNow)
        #expect(document.seriesClock == 1 << 53)
    }

    /// The series of metrics-cumulative-1/2.pb stored with the reading -1.7e308 (and a total of
    /// 1.7e308). It decoded; metrics-cumulative-2.pb then added 1500 + 1.7e308, the total became
    /// infinite, and the aggregate.json written could not be read back ("inf" is not JSON):
    /// every later request of that user failed. The aggregator only stores readings in
    /// 0...1e15, so the decoder now refuses any other as corrupt.
    @Test("a stored cumulative reading out of range is reported as corrupt")
    func seriesValueOutOfRange() throws {
        let bytes = try Self.regression("aggregate-negative-series-value.json")
        #expect(throws: AggregateCodingError.self) {
            try AggregateCoding.decode(bytes, expectedUser: testUser, limits: limits)
        }
        do {
            _ = try AggregateCoding.decode(bytes, expectedUser: testUser, limits: limits)
        } catch {
            #expect(error.reason == "state.series.b676d279da3b409f: value or count out of range")
        }
        // The same state with an in-range reading is read, and the next reading applies.
        let valid = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "-1.7e308", with: "1000")
            .replacingOccurrences(of: "1.7e308", with: "1000")
        var document = try AggregateCoding.decode(Array(valid.utf8), expectedUser: testUser, limits: limits)
        let report = MetricsAggregator(limits: limits).apply(
            try Fixtures.metrics("metrics-cumulative-2.pb"), to: &document,
            now: fixedNow)
        #expect(report.applied == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 1500)
        let written = AggregateCoding.encode(document)
        #expect(try AggregateCoding.decode(written, expectedUser: testUser, limits: limits).totals == document.totals)
    }
}
