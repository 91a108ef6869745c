/// Text a client sent, made safe to quote in an error message.
package enum UntrustedText {
    /// A bounded, printable excerpt of rejected input: at most 48 characters, anything but
    /// printable ASCII shown as `?`.
    package static func preview(_ text: some StringProtocol) -> String {
        let printable = text.unicodeScalars.prefix(48).map { scalar -> String in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : "?"
        }.joined()
        return text.unicodeScalars.count > 48 ? printable + "…" : printable
    }
}
