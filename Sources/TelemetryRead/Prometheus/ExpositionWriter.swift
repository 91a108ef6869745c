/// Writes exposition text into one byte buffer: family headers, samples with escaped label
/// values, and numbers in a form both Prometheus and OpenMetrics parsers read.
struct ExpositionWriter {
    let format: ExpositionFormat
    private(set) var bytes: [UInt8] = []
    /// When the counters being written started (Unix seconds): in OpenMetrics, each counter
    /// sample is followed by its `_created` sample, so Prometheus' created-timestamp handling
    /// knows a new series' first value counts from zero. Nil writes none.
    var createdSeconds: Double?

    init(format: ExpositionFormat, reservingCapacity capacity: Int) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// `# HELP`, `# TYPE` and (OpenMetrics) `# UNIT`. Prometheus 0.0.4 types a counter by its
    /// sample name (`…_total`); OpenMetrics by the family name.
    mutating func header(_ family: MetricFamily) {
        let typed = format == .openMetrics ? family.name : String(decoding: family.sampleName, as: UTF8.self)
        append("# HELP ")
        append(typed)
        append(" ")
        appendEscaped(family.help, quote: false)
        append("\n# TYPE ")
        append(typed)
        append(" ")
        append(family.kind.rawValue)
        append("\n")
        if format == .openMetrics, let unit = family.unit {
            append("# UNIT ")
            append(typed)
            append(" ")
            append(unit)
            append("\n")
        }
    }

    /// One sample: `name{label="value",…} value`. Label names are fixed ASCII identifiers.
    /// Written straight into the buffer (a scrape writes tens of thousands of samples).
    mutating func sample(_ family: MetricFamily, _ labels: KeyValuePairs<String, String>, _ value: Double) {
        bytes.append(contentsOf: family.sampleName)
        var first = true
        for label in labels {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            appendLabel(label.key, label.value)
        }
        if !first { bytes.append(UInt8(ascii: "}")) }
        bytes.append(UInt8(ascii: " "))
        appendNumber(value)
        bytes.append(UInt8(ascii: "\n"))
        if let createdSeconds, family.kind == .counter, format == .openMetrics {
            sample(name: family.name + "_created", labels.map { (key: $0.key, value: $0.value) }, createdSeconds)
        }
    }

    mutating func sample(_ family: MetricFamily, _ labels: [(key: String, value: String)], _ value: Double) {
        bytes.append(contentsOf: family.sampleName)
        appendLabelsAndValue(labels, value)
        if let createdSeconds, family.kind == .counter, format == .openMetrics {
            sample(name: family.name + "_created", labels, createdSeconds)
        }
    }

    /// A sample named in full (`…_bucket`, `…_sum`, `…_count`, `…_created`).
    mutating func sample(name: String, _ labels: [(key: String, value: String)], _ value: Double) {
        append(name)
        appendLabelsAndValue(labels, value)
    }

    /// What follows a sample's name: `{key="value",…} value` and the line's end.
    private mutating func appendLabelsAndValue(_ labels: [(key: String, value: String)], _ value: Double) {
        for (index, label) in labels.enumerated() {
            bytes.append(index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            appendLabel(label.key, label.value)
        }
        if !labels.isEmpty { bytes.append(UInt8(ascii: "}")) }
        bytes.append(UInt8(ascii: " "))
        appendNumber(value)
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendLabel(_ key: String, _ value: String) {
        bytes.append(contentsOf: key.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(value, quote: true)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func end() {
        if format == .openMetrics { append("# EOF\n") }
    }

    /// Integers as integers; other values with the shortest round-tripping decimal.
    private mutating func appendNumber(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            append(String(value))
        }
    }

    /// Decimal digits without an intermediate String.
    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// Label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed.
    private mutating func appendEscaped(_ text: String, quote: Bool) {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\"") }) {
            bytes.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where quote: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: bytes.append(byte)
            }
        }
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A histogram bound as its `le` label: `0.005`, `1.0` (OpenMetrics wants the canonical
    /// float form, which Prometheus' text format reads as well).
    static func boundText(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int64(bound)) + ".0" : String(bound)
    }
}
