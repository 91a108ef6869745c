import TelemetryDecoding

/// A user's identifier: a UUID in canonical lowercase form (`8-4-4-4-12` hex digits).
///
/// It names a directory on disk, so it is validated byte by byte before any path is built:
/// nothing but lowercase hex digits and four dashes in fixed places can get through.
package struct UserID: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let rawValue: String

    /// Accepts only the canonical lowercase form; anything else throws ``UserIDError``.
    package init(validating text: some StringProtocol) throws(UserIDError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count == 36 else { throw .malformed(Self.preview(text)) }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { throw .malformed(Self.preview(text)) }
            default:
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                    continue
                case UInt8(ascii: "A")...UInt8(ascii: "F"):
                    throw .notLowercase(Self.preview(text))
                default:
                    throw .malformed(Self.preview(text))
                }
            }
        }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// A new random (version 4) identifier.
    package static func random() -> UserID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
        let chars = Array(hex)
        let text =
            String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16])
            + "-" + String(chars[16..<20]) + "-" + String(chars[20..<32])
        // The text is built from hex digits and dashes only, so validation cannot fail.
        return try! UserID(validating: text)
    }

    package var description: String { rawValue }

    package static func < (lhs: UserID, rhs: UserID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A bounded, printable excerpt of rejected input, for error messages.
    package static func preview(_ text: some StringProtocol) -> String {
        UntrustedText.preview(text)
    }
}

/// Why a user id was refused.
package enum UserIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notLowercase(String)
    case malformed(String)

    package var description: String {
        switch self {
        case .empty:
            return "the user id is empty; expected a UUID such as 123e4567-e89b-42d3-a456-426614174000"
        case .notLowercase(let text):
            return "user id '\(text)' must be written in lowercase"
        case .malformed(let text):
            return "user id '\(text)' is not a UUID; expected 8-4-4-4-12 lowercase hex digits"
        }
    }
}
