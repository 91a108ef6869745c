/// A connection the ``ConnectionAcceptor`` hands to a worker: its whole parameter block has
/// arrived (so libfcgi reads it without waiting), or it was refused at its parameter block and
/// only needs its refusal written. Owned by the worker that takes it, which closes it.
package struct ReadyConnection: Sendable {
    package enum Kind: Sendable {
        /// A request whose parameters are all in the socket: read its body, answer, finish.
        case request
        /// A block refused before libfcgi saw it, answerable on its request id.
        case refused(ConnectionRefusal, requestID: UInt16)
    }

    package let descriptor: CInt
    package let kind: Kind
    /// When the request must have arrived whole, body included (``ConnectionDeadlines/now()``
    /// nanoseconds): counted from the connection's acceptance, as before it waited for a worker.
    package let deadline: UInt64
}
