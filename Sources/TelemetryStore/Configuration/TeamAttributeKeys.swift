/// Parses `--team-attributes department,team.id`: attribute keys as Claude Code sends them
/// (from `OTEL_RESOURCE_ATTRIBUTES`), comma-separated, spaces around them ignored.
enum TeamAttributeKeys {
    static func parse(_ text: String) throws(SettingsError) -> [String] {
        var keys: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            var key = Substring(part)
            while key.first == " " { key.removeFirst() }
            while key.last == " " { key.removeLast() }
            if key.isEmpty {
                if text.allSatisfy({ $0 == " " }) { return [] }
                throw .invalid(Settings.teamAttributes, text, expected: "comma-separated attribute keys without empty entries")
            }
            guard key.utf8.count <= 128, !key.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
                throw .invalid(
                    Settings.teamAttributes, text,
                    expected: "keys of at most 128 bytes without spaces or control characters")
            }
            if !keys.contains(String(key)) { keys.append(String(key)) }
        }
        guard keys.count <= AggregationLimits.teamAttributeLimit else {
            throw .invalid(Settings.teamAttributes, text, expected: "at most \(AggregationLimits.teamAttributeLimit) keys")
        }
        return keys
    }
}
