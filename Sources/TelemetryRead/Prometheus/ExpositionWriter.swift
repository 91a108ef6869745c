/// Writes exposition text into one byte buffer: family headers, samples with escaped label
/// values, and numbers in a form both Prometheus and OpenMetrics parsers read.
struct ExpositionWriter {
    let format: ExpositionFormat
    private(set) var bytes: [UInt8] = []

    init(format: ExpositionFormat, reservingCapacity capacity: Int) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// `# HELP`, `# TYPE` and (OpenMetrics) `# UNIT`. Prometheus 0.0.4 types a counter by its
    /// sample name (`…_total`); OpenMetrics by the family name.
    mutating func header(_ family: MetricFamily) {
        let typed = format == .openMetrics ? family.name : family.sampleName
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
    mutating func sample(_ family: MetricFamily, _ labels: KeyValuePairs<String, String>, _ value: Double) {
        sample(family, Array(labels), value)
    }

    mutating func sample(_ family: MetricFamily, _ labels: [(key: String, value: String)], _ value: Double) {
        append(family.sampleName)
        if !labels.isEmpty {
            append("{")
            for (index, label) in labels.enumerated() {
                if index > 0 { append(",") }
                append(label.key)
                append("=\"")
                appendEscaped(label.value, quote: true)
                append("\"")
            }
            append("}")
        }
        append(" ")
        appendNumber(value)
        append("\n")
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
            append(String(Int64(value)))
        } else {
            append(String(value))
        }
    }

    /// Label values escape `\`, `"` and line feed; HELP text escapes `\` and line feed.
    private mutating func appendEscaped(_ text: String, quote: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where quote: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: bytes.append(byte)
            }
        }
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
}
