import Crypto
import TelemetryStore

/// A strong ETag, quoted, from a digest of what the answer was built from (the stored files'
/// content or identity, and the resolved query).
struct EntityTag: Equatable {
    let value: String

    init(digest: some Sequence<UInt8>) {
        value = "\"" + Hexadecimal.string(digest.prefix(16)) + "\""
    }

    /// True when an `If-None-Match` header names this tag (or `*`). Weak tags compare by their
    /// opaque part, as RFC 9110 prescribes for `If-None-Match`.
    func isMatched(byIfNoneMatch header: String?) -> Bool {
        guard let header else { return false }
        for candidate in header.split(separator: ",") {
            var tag = Substring(candidate)
            while tag.first == " " || tag.first == "\t" { tag.removeFirst() }
            while tag.last == " " || tag.last == "\t" { tag.removeLast() }
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == value { return true }
        }
        return false
    }
}
