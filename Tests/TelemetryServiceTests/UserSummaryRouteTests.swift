import Foundation
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Read API: GET …/users/UUID/summary")
struct UserSummaryRouteTests {
    let base = ServiceSandbox.base

    @Test("200: totals, range, days, models and the rest equal aggregate.json, without state or raw")
    func summaryMatchesAggregate() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 1500, day: "2026-11-24", cost: 0.25)
        try sandbox.send(user, input: 700, day: "2026-11-20", cost: 0.125)
        let response = sandbox.get("\(base)/users/\(user)/summary")
        #expect(response.status == .ok)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        #expect(response.header("Cache-Control") == "no-cache")
        let etag = try #require(response.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 34)

        let body = try json(response)
        let stored = try sandbox.aggregate(user)
        #expect(!allKeys(body).contains("state"))
        #expect(!allKeys(body).contains("raw"))
        #expect(body["userId"] as? String == user.rawValue)
        #expect(body["name"] as? String == "Ada")
        #expect(body["createdAt"] as? String == ServiceSandbox.now.iso8601)
        #expect(body["updatedAt"] as? String == stored["updatedAt"] as? String)
        #expect(sameJSON(body["range"]!, ["from": "2026-10-26", "to": "2026-11-24"]))
        for key in ["totals", "days", "models", "tools", "events"] {
            #expect(sameJSON(body[key]!, withoutRaw(stored[key]!)), "\(key)")
        }
        for key in ["sources", "received"] {
            #expect(sameJSON(body[key]!, stored[key]!), "\(key)")
        }
        let totals = try #require(body["totals"] as? [String: Any])
        #expect(totals["totalInputTokens"] as? Int == 2200)
        #expect(totals["totalTokenCostUsd"] as? Double == 0.375)
        #expect(sameJSON(body["rangeTotals"]!, body["totals"]!))
        #expect(!sameJSON(["a": 1], ["a": 2]) && !sameJSON(["a": 1], ["a": 1, "b": 0]))
        // Compact, keys sorted: the first key is budgets and there is no space after a colon.
        #expect(response.body.starts(with: Array("{\"budgets\":[],\"cacheEfficiency\":{".utf8)))
        #expect(response.body.last == UInt8(ascii: "\n"))
    }

    @Test("a user read from the binary copy: the summary shows the sessions, and with ?raw=1 every day's models")
    func summaryFromTheBinaryCopy() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        for day in 1...24 {
            let key = String(format: "2026-11-%02d", day)
            try sandbox.send(
                user, input: Double(100 * day), model: day % 2 == 0 ? "m-even" : "m-odd", day: key, cost: 0.5,
                session: "s-\(day % 3)")
        }
        // A fold writes aggregate.json and, at 8 KiB and more, its binary copy, which readers load.
        try AggregateStore(directory: sandbox.directory, configuration: sandbox.store).compact(user)
        let stored = try sandbox.aggregate(user)
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.directory.aggregatePath(user))
        #expect((attributes[.size] as? Int ?? 0) >= 8 << 10)
        #expect(FileManager.default.fileExists(atPath: sandbox.directory.binaryCopyPath(user)))
        let storedSessions = try #require(stored["sessions"] as? [String: Any])
        #expect(Set(storedSessions.keys) == ["s-0", "s-1", "s-2"])

        let body = try json(sandbox.get("\(base)/users/\(user)/summary"))
        let sessions = try #require(body["sessions"] as? [[String: Any]])
        #expect(Set(sessions.compactMap { $0["id"] as? String }) == ["s-0", "s-1", "s-2"])
        #expect(sameJSON(body["days"]!, withoutRaw(stored["days"]!)))

        let raw = try json(sandbox.get("\(base)/users/\(user)/summary", query: "raw=1"))
        let days = try #require(raw["days"] as? [String: [String: Any]])
        let storedDays = try #require(stored["days"] as? [String: [String: Any]])
        #expect(days.count == 24)
        for (day, figures) in storedDays {
            #expect(sameJSON(days[day]?["models"] as Any, figures["models"] as Any), "models of \(day)")
        }
    }

    @Test("from/to select the days; rangeTotals is their sum; totals stay all-time")
    func rangeSelection() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 100, day: "2026-11-01")
        try sandbox.send(user, input: 20, day: "2026-11-02")
        try sandbox.send(user, input: 3, day: "2026-11-03")
        let response = sandbox.get("\(base)/users/\(user)/summary", query: "from=2026-11-02&to=2026-11-03")
        #expect(response.status == .ok)
        let body = try json(response)
        let days = try #require(body["days"] as? [String: Any])
        #expect(Set(days.keys) == ["2026-11-02", "2026-11-03"])
        #expect((body["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int == 23)
        #expect((body["totals"] as? [String: Any])?["totalInputTokens"] as? Int == 123)
        #expect(sameJSON(body["range"]!, ["from": "2026-11-02", "to": "2026-11-03"]))

        let older = try json(sandbox.get("\(base)/users/\(user)/summary", query: "to=2026-10-31"))
        #expect((older["days"] as? [String: Any])?.isEmpty == true)
        #expect((older["rangeTotals"] as? [String: Any])?["totalInputTokens"] as? Int == 0)
    }

    @Test("raw only with ?raw=1; a bad raw value is a 400 naming it")
    func rawOnRequest() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 1500)
        let body = try json(sandbox.get("\(base)/users/\(user)/summary", query: "raw=1"))
        let raw = try #require((body["totals"] as? [String: Any])?["raw"] as? [String: Any])
        #expect(raw["inputTokens@claude_code.token.usage"] as? Int == 1500)
        let rangeRaw = try #require((body["rangeTotals"] as? [String: Any])?["raw"] as? [String: Any])
        #expect(rangeRaw["inputTokens@claude_code.token.usage"] as? Int == 1500)
        #expect(!allKeys(body).contains("state"))
        #expect(!allKeys(try json(sandbox.get("\(base)/users/\(user)/summary", query: "raw=0"))).contains("raw"))

        let bad = sandbox.get("\(base)/users/\(user)/summary", query: "raw=maybe")
        #expect(bad.status == .badRequest)
        #expect(try readStatus(bad).message.contains("parameter 'raw'"))
    }

    @Test("a user who has sent nothing: 200, zero totals, empty maps, updatedAt null")
    func emptyUser() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("New")
        let response = sandbox.get("\(base)/users/\(user)/summary")
        #expect(response.status == .ok)
        let body = try json(response)
        #expect(body["updatedAt"] is NSNull)
        for key in ["days", "models", "tools", "events"] { #expect((body[key] as? [String: Any])?.isEmpty == true, "\(key)") }
        let totals = try #require(body["totals"] as? [String: Any])
        #expect(totals.count == 18)
        #expect(totals.values.allSatisfy { ($0 as? NSNumber) == 0 })
        #expect((body["received"] as? [String: Any])?["metricRequests"] as? Int == 0)
    }

    @Test("If-None-Match with the ETag: 304 without a body; a change makes a new ETag")
    func conditional() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 10)
        let path = "\(base)/users/\(user)/summary"
        let first = sandbox.get(path)
        let etag = try #require(first.header("ETag"))
        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let again = sandbox.get(path, headers: ["If-None-Match": header])
            #expect(again.status == .notModified, "\(header)")
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == etag)
            #expect(again.header("Cache-Control") == "no-cache")
        }
        #expect(sandbox.get(path, headers: ["If-None-Match": "\"other\""]).status == .ok)
        // Another query is another representation.
        let ranged = sandbox.get(path, query: "from=2026-11-01")
        #expect(ranged.header("ETag") != etag)
        #expect(sandbox.get(path, query: "raw=1").header("ETag") != etag)

        try sandbox.send(user, input: 5, day: "2026-11-23")
        let changed = sandbox.get(path, headers: ["If-None-Match": etag])
        #expect(changed.status == .ok)
        #expect(changed.header("ETag") != etag)
    }

    @Test("HEAD: GET's status and headers, Content-Length of GET's body, no body")
    func head() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        try sandbox.send(user, input: 10)
        let path = "\(base)/users/\(user)/summary"
        let get = sandbox.get(path)
        let head = sandbox.get(path, method: "HEAD")
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == String(get.body.count))
        #expect(head.header("ETag") == get.header("ETag"))
        #expect(head.header("Content-Type") == get.header("Content-Type"))
        #expect(sandbox.get(path, method: "HEAD", headers: ["If-None-Match": get.header("ETag")!]).status == .notModified)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let user: String?
        let query: String
        let method: String
        let status: Int
        let message: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "bad from", user: nil, query: "from=2026-02-30", method: "GET", status: 400,
            message: "parameter 'from' is '2026-02-30'; expected a date YYYY-MM-DD"),
        Refusal(name: "bad to", user: nil, query: "to=today", method: "GET", status: 400, message: "parameter 'to' is 'today'"),
        Refusal(
            name: "from after to", user: nil, query: "from=2026-11-10&to=2026-11-01", method: "GET", status: 400,
            message: "parameter 'from' (2026-11-10) is after 'to' (2026-11-01)"),
        Refusal(
            name: "over 400 days", user: nil, query: "from=2024-01-01&to=2026-01-01", method: "GET", status: 400,
            message: "span 732 days; at most 400"),
        Refusal(
            name: "twice", user: nil, query: "from=2026-11-01&from=2026-11-02", method: "GET", status: 400,
            message: "parameter 'from' is '2026-11-01,2026-11-02'; expected a single value"),
        Refusal(name: "malformed id", user: "not-a-uuid", query: "", method: "GET", status: 400, message: "is not a UUID"),
        Refusal(
            name: "uppercase id", user: "123E4567-E89B-42D3-A456-426614174000", query: "", method: "GET", status: 400,
            message: "must be written in lowercase"),
        Refusal(
            name: "unknown user", user: "00000000-0000-4000-8000-000000000001", query: "", method: "GET", status: 404,
            message: "unknown user 00000000-0000-4000-8000-000000000001"),
        Refusal(
            name: "POST", user: nil, query: "", method: "POST", status: 405,
            message: "method POST is not allowed here; use GET, HEAD"),
    ]

    @Test("refusals: status, a JSON google.rpc.Status naming what to fix", arguments: refusals)
    func refused(_ refusal: Refusal) throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        let response = sandbox.get(
            "\(base)/users/\(refusal.user ?? user.rawValue)/summary", query: refusal.query,
            method: refusal.method)
        #expect(response.status.code == refusal.status)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let status = try readStatus(response)
        #expect(status.message.contains(refusal.message), "\(status.message)")
        if refusal.status == 405 { #expect(response.header("Allow") == "GET, HEAD") }
    }

    @Test("a corrupt aggregate.json: 503 with Retry-After, the file left as it was")
    func corrupt() throws {
        let sandbox = try ServiceSandbox()
        let user = try sandbox.addUser("Ada")
        let path = sandbox.directory.aggregatePath(user)
        try Data("{\"schemaVersion\":1,".utf8).write(to: URL(fileURLWithPath: path))
        let response = sandbox.get("\(base)/users/\(user)/summary")
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "5")
        #expect(try readStatus(response).message.contains("claude-telemetry verify"))
        #expect(FileManager.default.contents(atPath: path) == Data("{\"schemaVersion\":1,".utf8))
    }

    @Test("an admin token in the path is refused without being repeated in the log")
    func tokenInPath() throws {
        let sandbox = try ServiceSandbox()
        let token = try sandbox.addToken("grafana")
        let (response, summary) = sandbox.getWithSummary("\(base)/users/\(token)/summary")
        #expect(response.status == .badRequest)
        #expect(!summary.line.contains(String(token.dropFirst(4).prefix(12))))
        #expect(!String(decoding: response.body, as: UTF8.self).contains(String(token.dropFirst(4).prefix(12))))
    }
}
