import TelemetryRead
package import TelemetryStore

/// One line of a user listing: the record plus what its aggregate says about activity.
package struct UserSummary: Sendable, Equatable {
    package let record: UserRecord
    /// When the user's aggregate last changed; nil when it has none (or it is unreadable).
    package let updatedAt: String?
    /// Published input + output + cache tokens; nil when there is no readable aggregate.
    package let totalTokens: Int64?
    /// Why the aggregate could not be read, when it could not.
    package let problem: String?

    /// Every user with a record, sorted by id. A corrupt `user.json` fails the listing (as in
    /// ``UserStore/list()``); a corrupt aggregate only marks its user, so one bad file does
    /// not hide everyone else.
    package static func all(in directory: DataDirectory, limits: AggregationLimits = AggregationLimits()) throws(StorageError)
        -> [UserSummary]
    {
        let store = AggregateStore(directory: directory, limits: limits)
        var summaries: [UserSummary] = []
        for record in try UserStore(directory: directory).list() {
            summaries.append(summary(record, store: store))
        }
        return summaries
    }

    private static func summary(_ record: UserRecord, store: AggregateStore) -> UserSummary {
        guard let user = try? UserID(validating: record.id) else {
            return UserSummary(record: record, updatedAt: nil, totalTokens: nil, problem: "user.json has an invalid id")
        }
        do {
            guard let document = try store.read(user) else {
                return UserSummary(record: record, updatedAt: nil, totalTokens: nil, problem: nil)
            }
            return UserSummary(
                record: record, updatedAt: document.updatedAt,
                totalTokens: AggregateView(document).totals.allTokens, problem: nil)
        } catch {
            return UserSummary(record: record, updatedAt: nil, totalTokens: nil, problem: error.description)
        }
    }
}
