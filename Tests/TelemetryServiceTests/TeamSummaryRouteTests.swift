import Foundation
import SwiftProtobuf
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Read API: GET …/team/summary and summary.csv")
struct TeamSummaryRouteTests {
    let path = "\(ServiceSandbox.base)/team/summary"

    @Test("no Authorization: 401 with WWW-Authenticate: Bearer; wrong, a user id, revoked: 403")
    func authorization() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        let token = try sandbox.addToken("grafana")

        for route in [path, path + ".csv"] {
            let missing = sandbox.get(route)
            #expect(missing.status == .unauthorized)
            #expect(missing.header("WWW-Authenticate") == "Bearer")
            #expect(try readStatus(missing).message.contains("admin read token"))
            #expect(sandbox.get(route, headers: ["Authorization": "Basic YTpi"]).status == .unauthorized)
            #expect(sandbox.get(route, headers: ["Authorization": "Bearer"]).status == .unauthorized)

            for wrong in ["ctt_wrong", user.rawValue, String(token.dropLast()), token + "x", token.uppercased()] {
                let refused = sandbox.get(route, headers: ["Authorization": "Bearer \(wrong)"])
                #expect(refused.status.code == 403, "\(wrong)")
                #expect(refused.header("WWW-Authenticate") == nil)
            }
            #expect(sandbox.get(route, headers: ["Authorization": "Bearer \(token)"]).status == .ok)
            #expect(sandbox.get(route, headers: ["Authorization": "bearer  \(token) "]).status == .ok)
        }

        // The log line never carries the token.
        let (_, summary) = sandbox.getWithSummary(path, headers: ["Authorization": "Bearer \(token)x"])
        #expect(summary.status == 403)
        #expect(!summary.line.contains(String(token.dropFirst(4).prefix(12))))

        try AdminTokenStore(directory: sandbox.directory, configuration: sandbox.store).remove(name: "grafana")
        #expect(sandbox.get(path, headers: ["Authorization": "Bearer \(token)"]).status.code == 403)
    }

    @Test("a team token is never a user id on the write path, and is not echoed")
    func tokenOnWritePath() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let body: [UInt8] = try tokenExport(input: 5).serializedBytes()
        let (response, summary) = sandbox.service.handle(
            HTTPRequest(
                method: "POST", path: "\(ServiceSandbox.base)/v1/metrics",
                headers: ["Content-Type": "application/x-protobuf", "Authorization": "Bearer \(token)"], body: body),
            now: ServiceSandbox.now)
        #expect(response.status == .badRequest)
        #expect(!summary.line.contains(String(token.dropFirst(4).prefix(12))))
        #expect(summary.line.contains("an admin read token"))
    }

    @Test("200: one row per user sorted by id, team figures the sums of the rows, no state")
    func rollUp() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let a = try sandbox.addUser("Ada"), b = try sandbox.addUser("Bob"), idle = try sandbox.addUser("Idle")
        try sandbox.send(a, input: 100, model: "m1", day: "2026-11-24", cost: 0.5)
        try sandbox.send(a, input: 10, model: "m2", day: "2026-11-01", cost: 0.25)
        try sandbox.send(b, input: 1000, model: "m1", day: "2026-11-24", cost: 2)
        try sandbox.send(b, input: 7, model: "m1", day: "2026-09-01")

        let response = sandbox.get(path, query: "from=2026-11-01&to=2026-11-30", headers: ["Authorization": "Bearer \(token)"])
        #expect(response.status == .ok)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        #expect(response.header("ETag") != nil)
        let body = try json(response)
        #expect(!allKeys(body).contains("state"))
        #expect(!allKeys(body).contains("raw"))
        #expect(body["groups"] == nil)
        #expect(body["generatedAt"] as? String == ServiceSandbox.now.iso8601)

        let users = try #require(body["users"] as? [[String: Any]])
        #expect(users.map { $0["userId"] as? String } == [a, b, idle].map(\.rawValue).sorted())
        let byId = Dictionary(uniqueKeysWithValues: users.map { ($0["userId"] as! String, $0) })
        #expect(byId[idle.rawValue]?["updatedAt"] is NSNull)
        #expect((byId[a.rawValue]?["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 110)
        #expect((byId[b.rawValue]?["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 1007)
        #expect((byId[b.rawValue]?["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int == 1000)
        for user in [a, b] {
            let stored = try sandbox.aggregate(user)
            #expect(sameJSON(byId[user.rawValue]!["totals"]!, withoutRaw(stored["totals"]!)))
            #expect(byId[user.rawValue]?["updatedAt"] as? String == stored["updatedAt"] as? String)
        }
        #expect(byId[a.rawValue]?["name"] as? String == "Ada")

        let totals = try #require(body["totals"] as? [String: Any])
        #expect(totals["totalInputTokens"] as? Int == 1117)
        #expect(totals["totalTokenCostUsd"] as? Double == 2.75)
        #expect((body["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int == 1110)

        let days = try #require(body["days"] as? [String: [String: Any]])
        #expect(Set(days.keys) == ["2026-11-01", "2026-11-24"])
        #expect(days["2026-11-24"]?["activeUsers"] as? Int == 2)
        #expect(days["2026-11-24"]?["totalInputTokens"] as? Int == 1100)
        #expect(days["2026-11-01"]?["activeUsers"] as? Int == 1)

        let models = try #require(body["models"] as? [String: [String: Any]])
        #expect(models["m1"]?["inputTokens"] as? Int == 1107)
        #expect(models["m1"]?["costUsd"] as? Double == 2.5)
        #expect(models["m2"]?["inputTokens"] as? Int == 10)
        #expect(sameJSON(body["range"]!, ["from": "2026-11-01", "to": "2026-11-30"]))
    }

    @Test("the digests hold the days a request needs: a later request that reaches further back reads them again")
    func digestsReachFurtherBack() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let ada = try sandbox.addUser("Ada")
        for (day, input) in [("2026-11-24", 5.0), ("2026-08-15", 7), ("2026-02-01", 11)] {
            try sandbox.send(ada, input: input, day: day)
        }
        func summary(_ query: String) throws -> (days: Set<String>, range: Int?, previous: Int?, total: Int?) {
            let response = sandbox.get(path, query: query, headers: ["Authorization": "Bearer \(token)"])
            #expect(response.status == .ok)
            let body = try json(response)
            let days = try #require(body["days"] as? [String: Any])
            return (
                Set(days.keys), (body["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int,
                (body["previousRangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int,
                (body["totals"] as? [String: Any])?["totalInputTokens"] as? Int
            )
        }
        // The default 30 days (and the 30 before them): one day.
        let recent = try summary("")
        #expect(recent.days == ["2026-11-24"] && recent.range == 5 && recent.previous == 0 && recent.total == 23)
        // Further back than the digests were read for.
        let year = try summary("from=2026-01-01&to=2026-11-24")
        #expect(year.days == ["2026-02-01", "2026-08-15", "2026-11-24"] && year.range == 23 && year.total == 23)
        let before = try summary("from=2026-08-01&to=2026-08-31")
        #expect(before.days == ["2026-08-15"] && before.range == 7 && before.previous == 0)
        // 2026-07-01 … 2026-08-31, and the 62 days before it: 2026-02-01 is not in either.
        let summer = try summary("from=2026-07-01&to=2026-08-31")
        #expect(summer.days == ["2026-08-15"] && summer.range == 7 && summer.previous == 0)
        let spring = try summary("from=2026-03-01&to=2026-04-30")
        #expect(spring.days.isEmpty && spring.range == 0 && spring.previous == 11)
        #expect(try summary("") == recent)
    }

    @Test("304 from the files' identities; a write or a new user changes the ETag; HEAD has no body")
    func conditional() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 1)
        let auth = ["Authorization": "Bearer \(token)"]
        let first = sandbox.get(path, headers: auth)
        let etag = try #require(first.header("ETag"))
        let again = sandbox.get(path, headers: auth.merging(["If-None-Match": etag]) { $1 })
        #expect(again.status == .notModified)
        #expect(again.body.isEmpty)
        #expect(again.header("ETag") == etag)
        // Authorization comes first: without a token even a matching tag is a 401.
        #expect(sandbox.get(path, headers: ["If-None-Match": etag]).status == .unauthorized)

        let head = sandbox.get(path, method: "HEAD", headers: auth)
        #expect(head.status == .ok && head.body.isEmpty)
        #expect(head.header("Content-Length") == String(first.body.count))

        try sandbox.send(user, input: 2, day: "2026-11-23")
        let afterWrite = sandbox.get(path, headers: auth.merging(["If-None-Match": etag]) { $1 })
        #expect(afterWrite.status == .ok)
        // The cached digest of the changed user is rebuilt: the new figures show.
        #expect((try json(afterWrite)["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 3)
        let second = try #require(afterWrite.header("ETag"))
        #expect(second != etag)
        let bob = try sandbox.addUser("Bob")
        #expect(sandbox.get(path, headers: auth.merging(["If-None-Match": second]) { $1 }).status == .ok)
        // A removed user leaves the answer (and the cache).
        try UserStore(directory: sandbox.directory, configuration: sandbox.store).remove(bob)
        let rows = try #require(try json(sandbox.get(path, headers: auth))["users"] as? [[String: Any]])
        #expect(rows.map { $0["userId"] as? String } == [user.rawValue])
        #expect(sandbox.get(path + ".csv", headers: auth).header("ETag") != sandbox.get(path, headers: auth).header("ETag"))
    }

    @Test("?group=KEY: one group per value, (none) last, sums of the members; other keys refused")
    func groups() throws {
        let sandbox = try ServiceSandbox(teamAttributes: ["department", "team.id"])
        let token = try sandbox.addToken("grafana")
        let a = try sandbox.addUser("Ada"), b = try sandbox.addUser("Bob"), c = try sandbox.addUser("Cy")
        try sandbox.send(a, input: 1, resource: [("department", "platform"), ("team.id", "t1")])
        try sandbox.send(b, input: 20, resource: [("department", "platform")])
        try sandbox.send(c, input: 300)
        // The last value wins.
        try sandbox.send(a, input: 4000, day: "2026-11-23", resource: [("department", "web")])
        #expect(try sandbox.aggregate(a)["attributes"] as? [String: String] == ["department": "web", "team.id": "t1"])
        #expect(try sandbox.aggregate(c)["attributes"] == nil)

        let auth = ["Authorization": "Bearer \(token)"]
        let body = try json(sandbox.get(path, query: "group=department", headers: auth))
        let groups = try #require(body["groups"] as? [[String: Any]])
        #expect(groups.map { $0["value"] as? String } == ["platform", "web", "(none)"])
        #expect(groups.allSatisfy { $0["key"] as? String == "department" })
        #expect(groups[0]["members"] as? [String] == [b.rawValue])
        #expect(groups[1]["members"] as? [String] == [a.rawValue])
        #expect(groups[2]["members"] as? [String] == [c.rawValue])
        #expect((groups[1]["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 4001)
        #expect((groups[2]["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int == 300)
        let users = try #require(body["users"] as? [[String: Any]])
        let ada = try #require(users.first { $0["userId"] as? String == a.rawValue })
        #expect(ada["attributes"] as? [String: String] == ["department": "web", "team.id": "t1"])

        let unknown = sandbox.get(path, query: "group=cost_center", headers: auth)
        #expect(unknown.status == .badRequest)
        #expect(try readStatus(unknown).message.contains("expected one of the configured team attributes: department, team.id"))

        let unconfigured = try ServiceSandbox()
        let other = try unconfigured.addToken("t")
        let refused = unconfigured.get(path, query: "group=department", headers: ["Authorization": "Bearer \(other)"])
        #expect(refused.status == .badRequest)
        #expect(try readStatus(refused).message.contains("no team attributes are configured"))
    }

    @Test("CSV: header, one row per user, RFC 4180 quoting, formulas neutralised; per group with ?group=")
    func csv() throws {
        let sandbox = try ServiceSandbox(teamAttributes: ["department"])
        let token = try sandbox.addToken("grafana")
        let a = try sandbox.addUser("=HYPERLINK(\"http://x\")")
        let b = try sandbox.addUser("Doe, \"Jo\"")
        let c = try sandbox.addUser("-2+3")
        try sandbox.send(a, input: 12, cost: 0.5, resource: [("department", "@ops")])
        try sandbox.send(b, input: 30, resource: [("department", "@ops")])
        let auth = ["Authorization": "Bearer \(token)"]

        let response = sandbox.get(path + ".csv", headers: auth)
        #expect(response.status == .ok)
        #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let figures: String =
            "totalSessions,agentsViewStarts,totalInputTokens,totalOutputTokens,totalCacheReadTokens,"
            + "totalCacheCreationTokens,totalTokenCostUsd,totalLinesAdded,totalLinesRemoved,totalMinutes,"
            + "aiAssistedCommits,prsCreated,editsAccepted,editsRejected,editDecisions,totalToolCalls,apiRequests,apiErrors"
        let tail = ",period,from,to,costPerCommitUsd,costPerPullRequestUsd,costPer100LinesAddedUsd,editAcceptance,cacheReadShare"
        let header: String = "userId,name,createdAt,updatedAt," + figures + tail
        #expect(lines.first.map(String.init) == header)
        #expect(lines.count == 5 && lines.last == "")
        let rows = Dictionary(uniqueKeysWithValues: lines.dropFirst().dropLast().map { (String($0.prefix(36)), String($0)) })
        let updatedA = try #require(try sandbox.aggregate(a)["updatedAt"] as? String)
        let rowA: String =
            "\(a),\"'=HYPERLINK(\"\"http://x\"\")\",\(ServiceSandbox.now.iso8601),\(updatedA),"
            + "0,0,12,0,0,0,0.5,0,0,0,0,0,0,0,0,0,0,0,all,,,,,,,0"
        #expect(rows[a.rawValue] == rowA)
        #expect(rows[b.rawValue]?.hasPrefix("\(b),\"Doe, \"\"Jo\"\"\",") == true)
        let rowC: String = "\(c),'-2+3,\(ServiceSandbox.now.iso8601),,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,all,,,,,,,"
        #expect(rows[c.rawValue] == rowC)

        let grouped = String(decoding: sandbox.get(path + ".csv", query: "group=department", headers: auth).body, as: UTF8.self)
        var expected: String = "group,value,members," + figures + tail + "\n"
        expected += "department,'@ops,2,0,0,42,0,0,0,0.5,0,0,0,0,0,0,0,0,0,0,0,all,,,,,,,0\n"
        expected += "department,(none),1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,all,,,,,,,\n"
        #expect(grouped == expected)
    }

    @Test("a user whose aggregate.json is damaged: the team answers 200 naming them, their own summary 503")
    func unreadableUserIsNamed() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let a = try sandbox.addUser("Ada"), b = try sandbox.addUser("Bob")
        try sandbox.send(a, input: 100, model: "m1", day: "2026-11-24", cost: 0.5)
        try sandbox.send(b, input: 7, model: "m1", day: "2026-11-24")
        let before = sandbox.get(path, headers: ["Authorization": "Bearer \(token)"])
        #expect(try json(before)["unreadableUsers"] as? [String] == [])
        try Data("{\"days\":".utf8).write(to: URL(fileURLWithPath: sandbox.directory.aggregatePath(b)))

        let team = sandbox.get(path, headers: ["Authorization": "Bearer \(token)"])
        #expect(team.status == .ok)
        #expect(team.header("ETag") != before.header("ETag"))
        let body = try json(team)
        #expect(body["unreadableUsers"] as? [String] == [b.rawValue])
        let users = try #require(body["users"] as? [[String: Any]])
        #expect(users.map { $0["userId"] as? String } == [a.rawValue])
        #expect((body["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 100)
        #expect(sandbox.get(path + ".csv", headers: ["Authorization": "Bearer \(token)"]).status == .ok)
        #expect(sandbox.get("\(ServiceSandbox.base)/users/\(b.rawValue)/summary").status == .serviceUnavailable)
        #expect(sandbox.get("\(ServiceSandbox.base)/users/\(a.rawValue)/summary").status == .ok)

        // Mended: counted again, named no more.
        try Data(AggregateCoding.encode(AggregateDocument(user: b))).write(
            to: URL(fileURLWithPath: sandbox.directory.aggregatePath(b)))
        let mended = try json(sandbox.get(path, headers: ["Authorization": "Bearer \(token)"]))
        #expect(mended["unreadableUsers"] as? [String] == [])
        #expect((mended["users"] as? [[String: Any]])?.count == 2)
    }

    @Test("a team of 40 (read on several threads): every user once, in id order, exact totals, an unreadable user named")
    func largeTeamReadInParallel() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        var users: [UserID] = []
        for index in 0..<40 {
            let user = try sandbox.addUser("User \(index)")
            try sandbox.send(user, input: Double(index + 1), model: "m1", day: "2026-11-24")
            users.append(user)
        }
        let damaged = users[17]
        try Data("{\"days\":".utf8).write(to: URL(fileURLWithPath: sandbox.directory.aggregatePath(damaged)))
        for _ in 0..<2 {
            let body = try json(sandbox.get(path, headers: ["Authorization": "Bearer \(token)"]))
            #expect(body["unreadableUsers"] as? [String] == [damaged.rawValue])
            let listed = try #require(body["users"] as? [[String: Any]]).compactMap { $0["userId"] as? String }
            #expect(listed == users.map(\.rawValue).filter { $0 != damaged.rawValue }.sorted())
            // 1 + 2 + … + 40, less the damaged user's 18.
            #expect((body["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 820 - 18)
        }
    }

    @Test("a corrupt tokens.json: 503, not a 403")
    func corruptTokens() throws {
        let sandbox = try ServiceSandbox()
        try Data("not json".utf8).write(to: URL(fileURLWithPath: sandbox.root + "/tokens.json"))
        let response = sandbox.get(path, headers: ["Authorization": "Bearer ctt_x"])
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "5")
    }
}
