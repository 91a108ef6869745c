// Shared by every fuzz target (compiled into each target's module by Fuzz/build.sh).
// The oracles are deliberately strict: anything a receiver could not report as a plain
// "bad request" or "corrupt file" error ends the run with fatalError, which libFuzzer records
// as a crash with the input under .build-fuzz/crashes/.

import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

/// The user every fuzzed document belongs to (also the `userId` of the aggregate seeds).
let fuzzUser = try! UserID(validating: "123e4567-e89b-42d3-a456-426614174000")
/// A fixed "now" (2026-11-25), so runs are reproducible.
let fuzzNow = Timestamp(seconds: 1_795_600_000)
let fuzzLimits = AggregationLimits()

func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// Decodes `body` as every signal in `format` the way the receiver does (`decodeMetricsBatch` /
/// `decodeLogsBatch` / `decodeTracesBatch`: the hand-written decoders);
/// every batch that decodes is applied to a fresh document (twice, the second time as a
/// replay) and the document must round-trip through aggregate.json.
func decodeAndApply(_ body: [UInt8], format: PayloadFormat, decoder: OTLPDecoder) {
    do {
        let batch = try decoder.decodeMetricsBatch(body, format: format)
        applyTwice(batch)
    } catch {
        expectMalformed(error, format: format, signal: .metrics)
    }
    do {
        let batch = try decoder.decodeLogsBatch(body, format: format)
        applyTwice(batch)
    } catch {
        expectMalformed(error, format: format, signal: .logs)
    }
    do {
        let batch = try decoder.decodeTracesBatch(body, format: format)
        applyTwice(batch)
    } catch {
        expectMalformed(error, format: format, signal: .traces)
    }
}

func applyTwice(_ batch: MetricsBatch) {
    var document = AggregateDocument(user: fuzzUser, limits: fuzzLimits)
    let aggregator = MetricsAggregator(limits: fuzzLimits)
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    roundTrip(document)
}

func applyTwice(_ batch: LogsBatch) {
    var document = AggregateDocument(user: fuzzUser, limits: fuzzLimits)
    let aggregator = LogsAggregator(limits: fuzzLimits)
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    roundTrip(document)
}

func applyTwice(_ batch: TracesBatch) {
    var document = AggregateDocument(user: fuzzUser, limits: fuzzLimits)
    let aggregator = TracesAggregator(limits: fuzzLimits)
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    check(aggregator.apply(batch, to: &document, now: fuzzNow))
    roundTrip(document)
}

/// An uncompressed body within the size limit can only be refused as malformed.
func expectMalformed(_ error: PayloadError, format: PayloadFormat, signal: Signal) {
    guard case .malformed(let errorFormat, let errorSignal, _) = error, errorFormat == format, errorSignal == signal else {
        fatalError("unexpected error for an uncompressed \(format) \(signal) body: \(error)")
    }
}

func check(_ report: ApplyReport) {
    guard report.applied >= 0, report.rejected >= 0, report.duplicates >= 0, report.ignored >= 0,
        report.reasons.count <= 5, report.rejected >= report.reasons.count
    else { fatalError("inconsistent apply report: \(report)") }
    _ = report.errorMessage(unit: "data points")
}

/// `aggregate.json` written for `document` must read back, and the read-back document must be
/// written as the same bytes (nothing is lost or changed by a store/load cycle).
func roundTrip(_ document: AggregateDocument) {
    let encoded = AggregateCoding.encode(document)
    let decoded: AggregateDocument
    do {
        decoded = try AggregateCoding.decode(encoded, expectedUser: fuzzUser, limits: fuzzLimits)
    } catch {
        fatalError("aggregate.json written by AggregateCoding.encode does not read back: \(error.reason)")
    }
    let again = AggregateCoding.encode(decoded)
    guard again == encoded else {
        fatalError(
            "aggregate.json changed after a decode/encode cycle:\n"
                + String(decoding: encoded, as: UTF8.self) + "\n---\n" + String(decoding: again, as: UTF8.self))
    }
}
