/// A map the journal's records change entry by entry: a dictionary, or one read in place.
protocol KeyedEntries<Value> {
    associatedtype Value
    subscript(key: String) -> Value? { get set }
    @discardableResult mutating func removeValue(forKey key: String) -> Value?
}

extension Dictionary: KeyedEntries where Key == String {}
