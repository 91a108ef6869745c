import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Read API: GET …/prometheus and …/team/usage_report/claude_code")
struct ExpositionRouteTests {
    let prometheus = "\(ServiceSandbox.base)/prometheus"
    let report = "\(ServiceSandbox.base)/team/usage_report/claude_code"

    @Test("both need the admin read token: 401 with WWW-Authenticate: Bearer, 403 for a user id")
    func authorization() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        _ = try sandbox.addToken("prometheus")
        for (path, query) in [(prometheus, ""), (report, "starting_at=2026-11-24")] {
            let missing = sandbox.get(path, query: query)
            #expect(missing.status == .unauthorized)
            #expect(missing.header("WWW-Authenticate") == "Bearer")
            #expect(sandbox.get(path, query: query, headers: ["Authorization": "Bearer \(user)"]).status.code == 403)
        }
    }

    @Test("text 0.0.4 by default, OpenMetrics when Accept asks; figures of the stored documents")
    func formats() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("prometheus")
        let ada = try sandbox.addUser("Ada")
        try sandbox.send(ada, input: 1200, cost: 0.5)
        let plain = sandbox.get(prometheus, headers: ["Authorization": "Bearer \(token)"])
        #expect(plain.status == .ok)
        #expect(plain.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: plain.body, as: UTF8.self)
        #expect(
            text.contains(
                "claude_code_token_usage_tokens_total{user_id=\"\(ada)\",model=\"claude-sonnet-4-5\",type=\"input\"} 1200\n"))
        #expect(text.contains("claude_code_cost_usage_USD_total{user_id=\"\(ada)\",model=\"claude-sonnet-4-5\"} 0.5\n"))
        let open = sandbox.get(
            prometheus,
            headers: [
                "Authorization": "Bearer \(token)",
                "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
            ])
        #expect(open.header("Content-Type") == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(String(decoding: open.body, as: UTF8.self).hasSuffix("# EOF\n"))
    }

    @Test("usage report: the day's record, 400 naming the parameter to fix")
    func usageReport() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("scripts")
        let ada = try sandbox.addUser("Ada")
        try sandbox.send(ada, input: 700, day: "2026-11-23")
        let auth = ["Authorization": "Bearer \(token)"]
        let answer = sandbox.get(report, query: "starting_at=2026-11-23", headers: auth)
        #expect(answer.status == .ok)
        let body = try json(answer)
        let data = try #require(body["data"] as? [[String: Any]])
        #expect(data.count == 1)
        let breakdown = try #require(data.first?["model_breakdown"] as? [[String: Any]])
        #expect((breakdown.first?["tokens"] as? [String: Any])?["input"] as? Int == 700)
        #expect(body["has_more"] as? Bool == false)
        let empty = try json(sandbox.get(report, query: "starting_at=2026-11-24", headers: auth))
        #expect((empty["data"] as? [Any])?.isEmpty == true)
        for (query, needle) in [
            ("", "starting_at"), ("starting_at=24.11.2026", "starting_at"),
            ("starting_at=2026-11-23&limit=5000", "limit"), ("starting_at=2026-11-23&page=x", "page"),
            ("starting_at=2026-11-23&limit=1&limit=2", "limit"),
        ] {
            let refused = sandbox.get(report, query: query, headers: auth)
            #expect(refused.status == .badRequest, "\(query)")
            #expect(try readStatus(refused).message.contains(needle), "\(query)")
        }
    }
}
