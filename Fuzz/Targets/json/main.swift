// libFuzzer target: the input is an OTLP/HTTP JSON request body, decoded as the receiver
// does (OTLPDecoder.decodeMetricsBatch / decodeLogsBatch: swift-protobuf's JSON decoder, then
// the conversion to batches) as both signals; what decodes is aggregated into a fresh
// document, which must survive an aggregate.json write/read cycle. Oracles: Common.swift.

import TelemetryCore

let jsonDecoder = OTLPDecoder(maxBodyBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    decodeAndApply(bytes(data, size), format: .json, decoder: jsonDecoder)
    return 0
}
