/// An OTLP `AnyValue`: what an attribute or a log body holds.
package enum OTLPValue: Equatable, Sendable {
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
package struct OTLPAttribute: Equatable, Sendable {
    package var key: String
    package var value: OTLPValue

    package init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }
}

/// The identifying parts of a resource and of an instrumentation scope.
package struct OTLPResource: Equatable, Sendable {
    package var attributes: [OTLPAttribute] = []
    package init(attributes: [OTLPAttribute] = []) { self.attributes = attributes }
}

package struct OTLPScope: Equatable, Sendable {
    package var name = ""
    package var version = ""
    package init(name: String = "", version: String = "") {
        self.name = name
        self.version = version
    }
}
