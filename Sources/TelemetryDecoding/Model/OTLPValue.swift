/// An OTLP `AnyValue`: what an attribute or a log body holds.
public enum OTLPValue: Equatable, Sendable {
    case none
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([OTLPValue])
    case kvlist([OTLPAttribute])
    case bytes([UInt8])
}

/// An OTLP `KeyValue`.
public struct OTLPAttribute: Equatable, Sendable {
    public var key: String
    public var value: OTLPValue

    public init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }
}

/// The identifying parts of a resource and of an instrumentation scope.
public struct OTLPResource: Equatable, Sendable {
    public var attributes: [OTLPAttribute] = []
    public init(attributes: [OTLPAttribute] = []) { self.attributes = attributes }
}

public struct OTLPScope: Equatable, Sendable {
    public var name = ""
    public var version = ""
    public init(name: String = "", version: String = "") {
        self.name = name
        self.version = version
    }
}
