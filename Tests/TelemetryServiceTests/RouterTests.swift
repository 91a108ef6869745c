import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Router")
struct RouterTests {
    let router = Router()
    let user = "123e4567-e89b-42d3-a456-426614174000"

    @Test("documented endpoints …/metrics?user= and …/logs?user=")
    func documented() {
        #expect(
            router.route(path: "/api/v1/integrations/claude/metrics", query: "user=\(user)")
                == .signal(.metrics, form: .documented, pathUser: nil, queryUser: user))
        #expect(
            router.route(path: "/api/v1/integrations/claude/logs", query: "user=\(user)")
                == .signal(.logs, form: .documented, pathUser: nil, queryUser: user))
    }

    @Test("the SDK's append to a URL ending in a query: …/claude?user=U/v1/metrics")
    func appendedToQuery() {
        #expect(
            router.route(path: "/api/v1/integrations/claude", query: "user=\(user)/v1/metrics")
                == .signal(.metrics, form: .appendedToQuery, pathUser: nil, queryUser: user))
        #expect(
            router.route(path: "/api/v1/integrations/claude/", query: "user=\(user)/v1/logs")
                == .signal(.logs, form: .appendedToQuery, pathUser: nil, queryUser: user))
        #expect(router.route(path: "/api/v1/integrations/claude", query: "user=\(user)") == .base)
    }

    @Test("standard OTLP paths, user elsewhere")
    func standard() {
        #expect(
            router.route(path: "/api/v1/integrations/claude/v1/metrics", query: "")
                == .signal(.metrics, form: .standard, pathUser: nil, queryUser: nil))
        #expect(
            router.route(path: "/api/v1/integrations/claude/v1/logs", query: "user=\(user)")
                == .signal(.logs, form: .standard, pathUser: nil, queryUser: user))
    }

    @Test("user in the path")
    func userPath() {
        #expect(
            router.route(path: "/api/v1/integrations/claude/users/\(user)/v1/metrics", query: "")
                == .signal(.metrics, form: .userPath, pathUser: user, queryUser: nil))
        #expect(
            router.route(path: "/api/v1/integrations/claude/users/\(user)/v1/logs", query: "")
                == .signal(.logs, form: .userPath, pathUser: user, queryUser: nil))
    }

    @Test("a mount point before the prefix (CGI script path) is allowed")
    func mounted() {
        #expect(
            router.route(path: "/cgi-bin/receiver.cgi/api/v1/integrations/claude/metrics", query: "user=\(user)")
                == .signal(.metrics, form: .documented, pathUser: nil, queryUser: user))
    }

    @Test(
        "unknown paths",
        arguments: [
            "/", "/api/v1/integrations/claudeX/metrics", "/api/v1/integrations/claude/profiles",
            "/api/v1/integrations/claude/users", "/api/v1/integrations/claude/metrics/extra",
            "/api/v1/integrations/claude/v1/v1/metrics",
        ])
    func notFound(path: String) {
        #expect(router.route(path: path, query: "user=\(user)") == .notFound)
    }

    @Test("query values are percent-decoded")
    func percentDecoding() {
        #expect(Router.queryValue("user", in: "a=1&user=%2e%2e%2Fx") == "../x")
        #expect(Router.queryValue("user", in: "user=") == "")
        #expect(Router.queryValue("user", in: "users=1") == nil)
    }
}
