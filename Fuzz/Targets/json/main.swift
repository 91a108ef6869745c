// libFuzzer target: the input is an OTLP/HTTP JSON request body.
//
// 1. Differential check of the hand-written decoder (OTLPDecoder.decodeMetricsBatch /
//    decodeLogsBatch with .json, what the receiver uses: JSONBatchDecoder) against
//    swift-protobuf's JSON decoder (decodeMetrics / decodeLogs, converted with
//    MetricsBatch(_:) / LogsBatch(_:)), as both signals:
//    - both accept: the batches must be equal, compared printed (which tells NaN and -0.0 apart);
//    - swift-protobuf accepts, the hand-written decoder refuses: a finding, except for the one
//      documented divergence, a refusal "base64 with fewer than two digits" (JSONBatchDecoder);
//    - the hand-written decoder accepts what swift-protobuf refuses: a finding (no divergence
//      in that direction is documented).
// 2. What decodes is aggregated into a fresh document, which must survive an aggregate.json
//    write/read cycle (Common.swift).

import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

let jsonDecoder = OTLPDecoder(maxBodyBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = bytes(data, size)
    compare(
        hand: Result { () throws(PayloadError) in try jsonDecoder.decodeMetricsBatch(body, format: .json) },
        reference: Result { () throws(PayloadError) in
            MetricsBatch(try jsonDecoder.decodeMetrics(body, format: .json))
        },
        signal: .metrics)
    compare(
        hand: Result { () throws(PayloadError) in try jsonDecoder.decodeLogsBatch(body, format: .json) },
        reference: Result { () throws(PayloadError) in
            LogsBatch(try jsonDecoder.decodeLogs(body, format: .json))
        },
        signal: .logs)
    decodeAndApply(body, format: .json, decoder: jsonDecoder)
    return 0
}

func compare<Batch: Equatable>(hand: Result<Batch, PayloadError>, reference: Result<Batch, PayloadError>, signal: Signal) {
    switch (hand, reference) {
    case (.success(let hand), .success(let reference)):
        guard "\(hand)" == "\(reference)" else {
            fatalError("\(signal): the hand-written decoder and swift-protobuf disagree:\n\(hand)\n---\n\(reference)")
        }
    case (.failure(let error), .success(let reference)):
        if case .malformed(_, _, let reason) = error, reason.hasPrefix("base64 with fewer than two digits") { return }
        fatalError("\(signal): the hand-written decoder refuses what swift-protobuf reads: \(error)\n\(reference)")
    case (.success(let hand), .failure(let error)):
        fatalError("\(signal): the hand-written decoder reads what swift-protobuf refuses (\(error)):\n\(hand)")
    case (.failure, .failure):
        break
    }
}
