import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

extension OperationsTests {
    @Suite struct CSVExportTests {
        @Test func fieldsAreQuotedOnlyWhenNeeded() {
            #expect(CSVExport.field("plain") == "plain")
            #expect(CSVExport.field("a,b") == "\"a,b\"")
            #expect(CSVExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
            #expect(CSVExport.field("two\nlines") == "\"two\nlines\"")
            #expect(CSVExport.field("cr\r") == "\"cr\r\"")
            #expect(CSVExport.field(" padded") == "\" padded\"")
            #expect(CSVExport.field("") == "")
        }

        @Test func formulaLikeTextIsDefused() {
            #expect(CSVExport.text("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")")
            #expect(CSVExport.text("+1") == "'+1")
            #expect(CSVExport.text("-1") == "'-1")
            #expect(CSVExport.text("@sum") == "'@sum")
            #expect(CSVExport.text("claude-sonnet-4-5") == "claude-sonnet-4-5")
            #expect(CSVExport.text("\n=1") == "'\n=1")
            #expect(CSVExport.text(" =1") == "' =1")
            #expect(CSVExport.text("\u{00A0}=1") == "'\u{00A0}=1")
            #expect(CSVExport.text("\t1") == "'\t1")
            #expect(CSVExport.text("a =1") == "a =1")
        }

        @Test func nulAndEscNeverReachTheOutput() {
            #expect(CSVExport.field("a\u{0}b") == "a\u{FFFD}b")
            #expect(CSVExport.field("\u{1B}[31mred") == "\u{FFFD}[31mred")
            let csv = TeamCSV.render(header: ["name"], rows: [[CSVExport.text("x\u{0}\u{1B}y")]])
            #expect(!csv.utf8.contains(0) && !csv.utf8.contains(0x1B))
            #expect(csv == "name\nx\u{FFFD}\u{FFFD}y\n")
        }

        @Test func decimalsHaveNoExponentAndNoNoise() {
            #expect(DecimalText.plain(0) == "0")
            #expect(DecimalText.plain(-0.0) == "0")
            #expect(DecimalText.plain(2) == "2")
            #expect(DecimalText.plain(0.0123 + 0.0004) == "0.0127")
            #expect(DecimalText.plain(0.00001) == "0.00001")
            #expect(DecimalText.plain(1.0 / 3.0) == "0.333333")
            #expect(DecimalText.plain(.nan) == "0")
        }

        @Test func dayExportOfTheFixtures() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let view = AggregateView(try #require(try AggregateStore(directory: directory).read(user)))
                let lines = CSVExport.csv(view, by: .day).split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == 3)
                #expect(
                    lines[0]
                        == "date,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,minutes,linesAdded,linesRemoved,commits,pullRequests,toolCalls,apiRequests,apiErrors"
                )
                let t = view.days[0].totals
                #expect(
                    lines[1]
                        == "\(OpsSupport.fixtureDay),1700,350,12000,800,0.0127,2,42,7,2,1,\(t.count(.totalToolCalls)),\(t.count(.apiRequests)),\(t.count(.apiErrors))"
                )
                #expect(lines[2] == "")
            }
        }

        @Test func modelExportQuotesHostileNames() throws {
            var document = AggregateDocument(user: UserID.random())
            var figures = Figures()
            figures[.inputTokensFromEvents] = 5
            figures[.costFromEvents] = 0.5
            figures[.apiRequestsFromEvents] = 1
            document.models["=cmd,\"x\""] = figures
            document.models["claude-opus"] = figures
            let csv = CSVExport.csv(AggregateView(document), by: .model)
            #expect(
                csv == #"""
                    model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors
                    "'=cmd,""x""",5,0,0,0,0.5,1,0
                    claude-opus,5,0,0,0,0.5,1,0

                    """#)
        }

        @Test func anEmptyDocumentExportsTheHeaderOnly() {
            let view = AggregateView(AggregateDocument(user: UserID.random()))
            #expect(CSVExport.csv(view, by: .day) == CSVExport.dayHeader.joined(separator: ",") + "\n")
            #expect(CSVExport.csv(view, by: .model) == CSVExport.modelHeader.joined(separator: ",") + "\n")
        }
    }
}
