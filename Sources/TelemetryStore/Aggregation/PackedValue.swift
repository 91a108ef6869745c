/// A value a ``PackedMap`` holds: how the binary copy stores it, and about how much heap it
/// takes once built.
package protocol PackedValue: Equatable, Sendable {
    static func read(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) -> Self
    static func skip(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage)
    func write(to output: inout BinaryCopyOutput)
    var estimatedMemoryBytes: Int { get }
}

extension Figures: PackedValue {
    package static func read(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) -> Figures { try input.figures() }
    package static func skip(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) { try input.skipFigures() }
    package func write(to output: inout BinaryCopyOutput) { output.figures(self) }
    /// The heap block (29 doubles), its map entry and key.
    package var estimatedMemoryBytes: Int { 330 }
}

extension SessionRecord: PackedValue {
    package static func read(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) -> SessionRecord {
        try input.session()
    }
    package static func skip(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) { try input.skipSession() }
    package func write(to output: inout BinaryCopyOutput) { output.session(self) }
    /// The bucket, the record around it, its map entry and key, and its models' names.
    package var estimatedMemoryBytes: Int { 490 + models.count * 48 }
}

/// A day's model map.
extension Dictionary: PackedValue where Key == String, Value == Figures {
    package static func read(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) -> [String: Figures] {
        try input.map { try $0.figures() }
    }
    package static func skip(_ input: inout BinaryCopyInput) throws(BinaryCopyDamage) { try input.skipModels() }
    package func write(to output: inout BinaryCopyOutput) { output.map(self) { $0.figures($1) } }
    package var estimatedMemoryBytes: Int { 120 + count * 330 }
}
