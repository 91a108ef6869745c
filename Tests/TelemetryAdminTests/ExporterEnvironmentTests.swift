import TelemetryTesting
import Testing

@testable import TelemetryAdmin
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct ExporterEnvironmentTests {
        let user = try! UserID(validating: "123e4567-e89b-42d3-a456-426614174000")

        @Test func bothFormsForAPlainBase() throws {
            let environment = try ExporterEnvironment(baseURL: "https://telemetry.example.com/", user: user)
            #expect(
                environment.recommended.map(\.exportLine) == [
                    "export CLAUDE_CODE_ENABLE_TELEMETRY=1",
                    "export OTEL_METRICS_EXPORTER=otlp",
                    "export OTEL_LOGS_EXPORTER=otlp",
                    "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
                    "export OTEL_EXPORTER_OTLP_ENDPOINT=https://telemetry.example.com/api/v1/integrations/claude/users/\(user)",
                ])
            #expect(
                environment.headerForm.map(\.exportLine) == [
                    "export CLAUDE_CODE_ENABLE_TELEMETRY=1",
                    "export OTEL_METRICS_EXPORTER=otlp",
                    "export OTEL_LOGS_EXPORTER=otlp",
                    "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
                    "export OTEL_EXPORTER_OTLP_ENDPOINT=https://telemetry.example.com/api/v1/integrations/claude",
                    "export OTEL_EXPORTER_OTLP_HEADERS=x-user-id=\(user)",
                ])
        }

        /// Claude Code's exporter sends only the URL's path: a printed `?user=` would lose data.
        @Test func noPrintedLineCarriesTheUserInAQuery() throws {
            for base in ["http://127.0.0.1:8080", "https://telemetry.example.com/prefix"] {
                let environment = try ExporterEnvironment(baseURL: base, user: user)
                for line in (environment.recommended + environment.headerForm).map(\.exportLine) {
                    #expect(!line.contains("?"), "\(line)")
                    #expect(!line.contains("user="), "\(line)")
                }
            }
        }

        @Test func baseURLsAreChecked() throws {
            #expect(try ExporterEnvironment.normalizedBaseURL("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
            #expect(try ExporterEnvironment.normalizedBaseURL("https://h.example/prefix//") == "https://h.example/prefix")
            for bad in ["", "127.0.0.1:8080", "ftp://h", "http://", "http:///x", "http://h?x=1", "http://h#f", "http://h x"] {
                #expect(throws: ExporterEnvironmentError.self, "\(bad)") { try ExporterEnvironment.normalizedBaseURL(bad) }
            }
        }

        @Test func shellQuoting() {
            #expect(ExporterEnvironment.shellQuoted("http/protobuf") == "http/protobuf")
            #expect(ExporterEnvironment.shellQuoted("a?b") == "'a?b'")
            #expect(ExporterEnvironment.shellQuoted("it's") == "'it'\\''s'")
            #expect(ExporterEnvironment.shellQuoted("$HOME") == "'$HOME'")
            #expect(ExporterEnvironment.shellQuoted("") == "''")
        }
    }
}
