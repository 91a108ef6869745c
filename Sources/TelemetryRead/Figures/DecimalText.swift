import Foundation

/// How a decimal figure (cost, minutes) is written as text in CSV, tables and reports.
package enum DecimalText {
    /// Without exponent, at most six places (micro-dollars for cost), trailing zeros cut.
    package static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
