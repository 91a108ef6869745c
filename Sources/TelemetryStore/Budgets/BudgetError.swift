/// Refusals of the budget commands (the store's own I/O fails with ``StorageError``).
package enum BudgetError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidScope(String)
    case invalidAmount(flag: String, value: String)
    case unknown(String)

    package var description: String {
        switch self {
        case .invalidScope(let message):
            return message
        case .invalidAmount(let flag, let value):
            return "\(flag) '\(UserID.preview(value))' is invalid: expected an amount in USD greater than 0 "
                + "and at most 1000000000, e.g. 250 or 99.50"
        case .unknown(let scope):
            return "no budget for \(scope) (see `claude-telemetry budget list`)"
        }
    }
}
