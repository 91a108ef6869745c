package import TelemetryDecoding

/// Where a request goes, once its URL has been understood.
package enum Route: Equatable, Sendable {
    /// An export endpoint. `pathUser` is the raw user segment of `/users/<id>/…`, if any;
    /// `queryUser` the raw `user` query value (already freed of an appended `/v1/<signal>`).
    case signal(Signal, form: URLForm, pathUser: String?, queryUser: String?)
    /// A read endpoint (summaries), answered by ``ReadService``.
    case read(ReadRoute)
    /// The prefix itself, with nothing to say which signal.
    case base
    case notFound

    /// The URL forms real exporters produce (names used in the request log).
    package enum URLForm: String, Sendable {
        /// `…/metrics?user=U`, the documented endpoints.
        case documented
        /// `…?user=U/v1/metrics`: an SDK appended the signal path to a URL ending in a query.
        case appendedToQuery = "appended"
        /// `…/v1/metrics` with the user in the query or a header.
        case standard
        /// `…/users/U/v1/metrics`: the user in the path.
        case userPath = "user-path"
    }
}
