import TelemetryCore

/// The team attributes a read answer shows for one user: the stored last values of the keys
/// configured now (a key no longer configured is not shown, as it groups nothing).
public enum TeamAttributes {
    public static func current(_ document: AggregateDocument?, keys: [String]) -> [String: String] {
        guard let stored = document?.attributes, !stored.isEmpty, !keys.isEmpty else { return [:] }
        return stored.filter { keys.contains($0.key) }
    }
}
