import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

@Suite struct UsageReportTests {
    @Test func recordHasTheOfficialShapeAndTheDaysFigures() throws {
        let (team, alice, _) = try PrometheusExpositionTests.team()
        defer { team.remove() }
        let bytes = UsageReport.render(try StoredUsers.load(team.directory), query: UsageReportQuery(day: TeamFixture.day))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(report["has_more"] as? Bool == false)
        #expect(report["next_page"] is NSNull)
        let data = try #require(report["data"] as? [[String: Any]])
        #expect(data.count == 1)  // bob sent nothing: no record
        let record = data[0]
        #expect(
            Set(record.keys) == [
                "actor", "core_metrics", "customer_type", "date", "model_breakdown", "organization_id",
                "subscription_type", "terminal_type", "tool_actions",
            ])
        #expect(record["date"] as? String == "2026-11-24T00:00:00Z")
        let actor = try #require(record["actor"] as? [String: Any])
        #expect(actor["type"] as? String == "api_actor")
        #expect(actor["api_key_name"] as? String == "Alice \"A\" \\ ops")
        let core = try #require(record["core_metrics"] as? [String: Any])
        #expect((core["lines_of_code"] as? [String: Any])?["added"] as? Int == 42)
        // One entry per model of the day, each with that model's own tokens and cost.
        let models = try #require(record["model_breakdown"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["claude-haiku-4-5", "claude-sonnet-4-5"])
        let haiku = try #require(models[0]["tokens"] as? [String: Int])
        #expect(haiku == ["input": 0, "output": 0, "cache_read": 5000, "cache_creation": 0])
        #expect((models[0]["estimated_cost"] as? [String: Any])?["amount"] as? Double == 0)
        let sonnet = try #require(models[1]["tokens"] as? [String: Int])
        #expect(sonnet == ["input": 1200, "output": 300, "cache_read": 0, "cache_creation": 0])
        #expect((models[1]["estimated_cost"] as? [String: Any])?["amount"] as? Double == 25)
        let tools = try #require(record["tool_actions"] as? [String: [String: Int]])
        #expect(tools["edit_tool"] == ["accepted": 3, "rejected": 0])
        #expect(tools["write_tool"] == ["accepted": 0, "rejected": 0])
        #expect(record["subscription_type"] is NSNull)
        _ = alice
    }

    @Test func aDayStoredBeforeModelsWereKeptPerDayIsOneEntry() throws {
        let (team, _, _) = try PrometheusExpositionTests.team()
        defer { team.remove() }
        // The same user as read from a document whose days have no models.
        let users = try StoredUsers.load(team.directory).users.map { user -> StoredUser in
            guard user.view != nil else { return user }
            var document = try #require(
                try AggregateStore(directory: team.directory).read(try UserID(validating: user.record.id)))
            document.dayModels = [:]
            return StoredUser(record: user.record, view: AggregateView(document), attributes: user.attributes)
        }
        let bytes = UsageReport.render(StoredUsers(users: users, unreadable: []), query: UsageReportQuery(day: TeamFixture.day))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let models = try #require(((report["data"] as? [[String: Any]])?.first)?["model_breakdown"] as? [[String: Any]])
        // Two models used: the whole day under "(all models)", never split by guessing.
        #expect(models.map { $0["model"] as? String } == [UsageReport.allModels])
        #expect(models[0]["tokens"] as? [String: Int] == ["input": 1200, "output": 300, "cache_read": 5000, "cache_creation": 0])
        #expect((models[0]["estimated_cost"] as? [String: Any])?["amount"] as? Double == 25)
    }

    @Test func dateIsTheDaysMidnightInTheZone() throws {
        let pacific = try #require(DayZone(identifier: "America/Los_Angeles"))
        let kolkata = try #require(DayZone(identifier: "Asia/Kolkata"))
        #expect(UsageReport.midnight(of: "2026-11-24", in: .utc) == "2026-11-24T00:00:00Z")
        #expect(UsageReport.midnight(of: "2026-11-24", in: pacific) == "2026-11-24T00:00:00-08:00")
        #expect(UsageReport.midnight(of: "2026-07-01", in: pacific) == "2026-07-01T00:00:00-07:00")
        // The day daylight saving starts (at 02:00) still began at -08:00.
        #expect(UsageReport.midnight(of: "2026-03-08", in: pacific) == "2026-03-08T00:00:00-08:00")
        #expect(UsageReport.midnight(of: "2026-11-01", in: pacific) == "2026-11-01T00:00:00-07:00")
        #expect(UsageReport.midnight(of: "2026-11-24", in: kolkata) == "2026-11-24T00:00:00+05:30")
    }

    @Test func pagesWalkEveryUserOnceWithOpaqueCursors() throws {
        let team = try TeamFixture()
        defer { team.remove() }
        var ids: [String] = []
        for index in 0..<5 {
            let user = try team.addUser("user \(index)")
            try team.send(user, metric: "claude_code.session.count", value: 1, attributes: [:])
            ids.append(user.rawValue)
        }
        let stored = try StoredUsers.load(team.directory)
        var seen: [String] = []
        var page: String?
        var pages = 0
        repeat {
            var parameters = ["starting_at": TeamFixture.day, "limit": "2"]
            if let page { parameters["page"] = page }
            let bytes = UsageReport.render(stored, query: try UsageReportQuery(parameters: parameters))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let data = try #require(report["data"] as? [[String: Any]])
            seen += data.compactMap { ($0["actor"] as? [String: Any])?["api_key_name"] as? String }
            page = report["next_page"] as? String
            #expect((report["has_more"] as? Bool) == (page != nil))
            pages += 1
        } while page != nil && pages < 10
        #expect(pages == 3)
        #expect(seen.sorted() == (0..<5).map { "user \($0)" })
    }

    @Test func keptTeamAttributesFillActorOrganizationAndTerminal() throws {
        let (team, _, _) = try PrometheusExpositionTests.team()
        defer { team.remove() }
        let loaded = try StoredUsers.load(team.directory)
        let users = loaded.users.map { user in
            StoredUser(
                record: user.record, view: user.view,
                attributes: [
                    "user.email": "ada@example.com", "organization.id": "org-1", "terminal.type": "vscode",
                ])
        }
        let bytes = UsageReport.render(StoredUsers(users: users, unreadable: []), query: UsageReportQuery(day: TeamFixture.day))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let record = try #require((report["data"] as? [[String: Any]])?.first)
        #expect(record["actor"] as? [String: String] == ["email_address": "ada@example.com", "type": "user_actor"])
        #expect(record["organization_id"] as? String == "org-1")
        #expect(record["terminal_type"] as? String == "vscode")
    }

    @Test func badParametersNameWhatToFix() {
        #expect(throws: UsageReportQueryError.self) { try UsageReportQuery(parameters: [:]) }
        #expect(throws: UsageReportQueryError.self) { try UsageReportQuery(parameters: ["starting_at": "2026-13-01"]) }
        #expect(throws: UsageReportQueryError.self) {
            try UsageReportQuery(parameters: ["starting_at": "2026-11-24", "limit": "1001"])
        }
        #expect(throws: UsageReportQueryError.self) {
            try UsageReportQuery(parameters: ["starting_at": "2026-11-24", "limit": "0"])
        }
        #expect(throws: UsageReportQueryError.self) {
            try UsageReportQuery(parameters: ["starting_at": "2026-11-24", "page": "page_xyz"])
        }
        let other = PageCursor(day: "2026-11-23", after: "00000000-0000-4000-8000-000000000000").token
        #expect(throws: UsageReportQueryError.self) {
            try UsageReportQuery(parameters: ["starting_at": "2026-11-24", "page": other])
        }
        #expect((try? UsageReportQuery(parameters: ["starting_at": "2026-11-24"]))?.limit == 20)
    }
}
