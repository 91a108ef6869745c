extension ReceiverService {
    /// The answer to a connection refused before its request could be read at all (its
    /// FastCGI parameter block was too large or broke the protocol): no method, path or
    /// content type is known, so the `google.rpc.Status` is JSON.
    package func refuseConnection(_ refusal: TransportRefusal) -> (HTTPResponse, RequestSummary) {
        let answer = ErrorAnswer(for: refusal)
        var summary = RequestSummary(method: "-", route: "connection", status: answer.status.code, error: answer.message)
        summary.refusal = answer.reason
        return (OTLPAnswers.failure(answer, format: nil), summary)
    }
}
