// libFuzzer target for the two byte-level parsers that take untrusted or damaged input
// besides the OTLP decoders:
//  - the bounded inflater: the input as a gzip body and as a deflate body (zlib or raw),
//    with a 64 KiB limit; it may only throw invalidCompression or tooLarge, and never
//    return more than the limit;
//  - AggregateCoding.decode: the input as a stored aggregate.json. It may throw (the store
//    reports StorageError.corrupt). A document it accepts must go through what
//    AggregateStore.update does with it without crashing: apply a request (fixed metrics and
//    logs that continue the fixture scenario, so their series meet the seeds' stored series
//    state), then encode; both before and after, the written document must read back.

import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

let inflateLimit = 64 * 1024
let continuedMetrics = FixedRequests.metrics(minute: 10)
let continuedLogs = FixedRequests.logs(minute: 10)
let inflateDecoder = OTLPDecoder(maxBodyBytes: inflateLimit)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = bytes(data, size)
    inflate(input, .gzip)
    inflate(input, .deflate)
    if let document = try? AggregateCoding.decode(input, expectedUser: fuzzUser, limits: fuzzLimits) {
        roundTrip(document)
        var updated = document
        check(MetricsAggregator(limits: fuzzLimits).apply(continuedMetrics, to: &updated, now: fuzzNow))
        check(LogsAggregator(limits: fuzzLimits).apply(continuedLogs, to: &updated, now: fuzzNow))
        roundTrip(updated)
    }
    return 0
}

func inflate(_ input: [UInt8], _ encoding: ContentEncoding) {
    do {
        let output = try inflateDecoder.inflate(input, encoding: encoding)
        guard output.count <= inflateLimit else {
            fatalError("\(encoding) inflated \(output.count) bytes, above the limit of \(inflateLimit)")
        }
    } catch {
        switch error {
        case .invalidCompression, .tooLarge: break
        default: fatalError("unexpected error while inflating \(encoding): \(error)")
        }
    }
}
