/// Claude Code's own `user.id`: 64 lowercase hex digits, stable per installation and account,
/// on every data point and log record it exports.
///
/// It names a directory and a file under the data directory, so it is validated byte by byte
/// before any path is built (like ``UserID``).
package struct InstallationID: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let rawValue: String

    package static let length = 64

    /// Accepts exactly 64 hex digits; upper case is folded to lower case (the id is a hash).
    package init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.length else { return nil }
        var lowered: [UInt8] = []
        lowered.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                lowered.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                lowered.append(byte + 32)
            default:
                return nil
            }
        }
        rawValue = String(decoding: lowered, as: UTF8.self)
    }

    package var description: String { rawValue }

    package static func < (lhs: InstallationID, rhs: InstallationID) -> Bool { lhs.rawValue < rhs.rawValue }
}
