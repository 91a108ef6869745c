// libFuzzer target: the input is an OTLP/HTTP protobuf request body.
//
// 1. Differential check of the hand-written decoder (OTLPDecoder.decodeMetricsBatch /
//    decodeLogsBatch, what the receiver uses) against swift-protobuf (decodeMetrics /
//    decodeLogs, converted with MetricsBatch(_:) / LogsBatch(_:)):
//    - both accept: the batches must be equal;
//    - swift-protobuf accepts, the hand-written decoder refuses: a finding when the refusal is
//      "truncated message" or "a string field is not valid UTF-8". Two refusals are tolerated,
//      as the decoder is stricter than swift-protobuf on purpose (Tests/TelemetryDecodingTests/
//      FuzzRegressionTests.swift): "nesting deeper than the limit" (the two bound nesting
//      differently) and "malformed protobuf", which covers a known field with another wire
//      type (swift-protobuf skips it as unknown) and a varint longer than 64 bits (swift-protobuf
//      drops the extra bits), besides framing errors both refuse;
//    - the hand-written decoder accepts what swift-protobuf refuses: allowed, it only checks
//      the framing of fields aggregation does not read (e.g. UTF-8 of a metric's unit).
// 2. What decodes is aggregated into a fresh document, which must survive an aggregate.json
//    write/read cycle (Common.swift).

import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

let protobufDecoder = OTLPDecoder(maxBodyBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = bytes(data, size)
    compare(
        hand: Result { () throws(PayloadError) in try protobufDecoder.decodeMetricsBatch(body, format: .protobuf) },
        reference: Result { () throws(PayloadError) in
            MetricsBatch(try protobufDecoder.decodeMetrics(body, format: .protobuf))
        },
        signal: .metrics)
    compare(
        hand: Result { () throws(PayloadError) in try protobufDecoder.decodeLogsBatch(body, format: .protobuf) },
        reference: Result { () throws(PayloadError) in
            LogsBatch(try protobufDecoder.decodeLogs(body, format: .protobuf))
        },
        signal: .logs)
    decodeAndApply(body, format: .protobuf, decoder: protobufDecoder)
    return 0
}

func compare<Batch: Equatable>(hand: Result<Batch, PayloadError>, reference: Result<Batch, PayloadError>, signal: Signal) {
    switch (hand, reference) {
    case (.success(let hand), .success(let reference)):
        // NaN is not equal to itself: fall back to the printed form, which tells NaNs apart
        // from numbers (and both decoders keep a double's bits).
        guard hand == reference || "\(hand)" == "\(reference)" else {
            fatalError("\(signal): the hand-written decoder and swift-protobuf disagree:\n\(hand)\n---\n\(reference)")
        }
    case (.failure(let error), .success(let reference)):
        if case .malformed(_, _, let reason) = error, reason == "nesting deeper than the limit" || reason == "malformed protobuf"
        {
            return
        }
        fatalError("\(signal): the hand-written decoder refuses what swift-protobuf reads: \(error)\n\(reference)")
    case (.success, .failure), (.failure, .failure):
        break
    }
}
