import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

/// The view must show exactly what `aggregate.json` publishes: same field names, same values.
extension OperationsTests {
    @Suite struct AggregateViewTests {
        @Test func totalsFieldsAreExactlyThePublishedKeys() throws {
            let document = AggregateDocument(user: UserID.random())
            let stored = try OpsSupport.json(AggregateCoding.encode(document))
            let totals = try #require(stored["totals"] as? [String: Any])
            let published = Set(totals.keys).subtracting(["raw"])
            let viewed = PublishedFigure.table.map(\.key)
            #expect(Set(viewed) == published)
            #expect(viewed.count == published.count)
        }

        @Test func valuesMatchTheStoredDocument() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let stored = try #require(try AggregateStore(directory: directory).readStored(user))
                let json = try OpsSupport.json(stored.bytes)
                let view = AggregateView(stored.document)

                let totals = try #require(json["totals"] as? [String: Any])
                for figure in PublishedFigure.table {
                    let value = try #require(totals[figure.key] as? NSNumber, "\(figure.key)")
                    #expect(value.doubleValue == view.totals.amount(figure), "\(figure.key)")
                }
                #expect(view.sources == json["sources"] as? [String: String])
                #expect(view.updatedAt == json["updatedAt"] as? String)

                let days = try #require(json["days"] as? [String: [String: Any]])
                #expect(view.days.map(\.day) == days.keys.sorted())
                for day in view.days {
                    for figure in PublishedFigure.table {
                        #expect((days[day.day]?[figure.key] as? NSNumber)?.doubleValue == day.totals.amount(figure))
                    }
                }

                let models = try #require(json["models"] as? [String: [String: Any]])
                #expect(view.models.map(\.name) == models.keys.sorted())
                // A field added to the published model (or tool) must be added to its view too.
                for stored in models.values {
                    #expect(
                        Set(stored.keys).subtracting(["raw"]) == [
                            "inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens", "costUsd", "apiRequests",
                            "apiErrors",
                        ])
                }
                for model in view.models {
                    let stored = try #require(models[model.name])
                    #expect((stored["inputTokens"] as? NSNumber)?.int64Value == model.figures.count(.totalInputTokens))
                    #expect((stored["outputTokens"] as? NSNumber)?.int64Value == model.figures.count(.totalOutputTokens))
                    #expect((stored["cacheReadTokens"] as? NSNumber)?.int64Value == model.figures.count(.totalCacheReadTokens))
                    #expect(
                        (stored["cacheCreationTokens"] as? NSNumber)?.int64Value == model.figures.count(.totalCacheCreationTokens)
                    )
                    #expect((stored["costUsd"] as? NSNumber)?.doubleValue == model.figures.amount(.totalTokenCostUsd))
                    #expect((stored["apiRequests"] as? NSNumber)?.int64Value == model.figures.count(.apiRequests))
                    #expect((stored["apiErrors"] as? NSNumber)?.int64Value == model.figures.count(.apiErrors))
                }

                let tools = try #require(json["tools"] as? [String: [String: Any]])
                #expect(view.tools.map(\.name) == tools.keys.sorted())
                for stored in tools.values {
                    #expect(Set(stored.keys).subtracting(["raw"]) == ["calls", "failures", "accepts", "rejects"])
                }
                for tool in view.tools {
                    let stored = try #require(tools[tool.name])
                    for figure in ToolFigure.table {
                        #expect((stored[figure.key] as? NSNumber)?.int64Value == tool.figures[figure], "\(figure.key)")
                    }
                }
                #expect(view.events.map(\.name) == (json["events"] as? [String: Int])?.keys.sorted())
            }
        }

        @Test func fixtureFiguresUseTheMetricSources() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let view = AggregateView(try #require(try AggregateStore(directory: directory).read(user)))
                // Token metric wins over the api_request events of logs.pb: 1500+200 input, 300+50 output.
                #expect(view.sources["tokens"] == MetricName.tokenUsage)
                #expect(view.totals.count(.totalInputTokens) == 1700)
                #expect(view.totals.count(.totalOutputTokens) == 350)
                #expect(view.totals.count(.totalCacheReadTokens) == 12000)
                #expect(view.totals.count(.totalCacheCreationTokens) == 800)
                #expect(view.totals.allTokens == OpsSupport.fixtureTokens)
                #expect(view.totals.count(.totalLinesAdded) == 42)
                #expect(view.totals.amount(.totalMinutes) == 2)
                #expect(view.days.map(\.day) == [OpsSupport.fixtureDay])
                #expect(view.models.map(\.name) == ["claude-haiku-4-5", "claude-sonnet-4-5"])
            }
        }

        @Test func allTokensSaturates() {
            #expect(saturatingSum(.max, 1) == .max)
            #expect(saturatingSum(.min, -1) == .min)
            #expect(saturatingSum(saturatingSum(1, 2), 3) == 6)
        }

        @Test func readStoredReturnsTheBytesAsStored() throws {
            try OpsSupport.withDataDirectory { directory in
                let user = try OpsSupport.seededUser(directory)
                let store = AggregateStore(directory: directory)
                let stored = try #require(try store.readStored(user))
                #expect(stored.bytes == [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.aggregatePath(user)))))
                #expect(stored.document == (try store.read(user)))

                let other = try OpsSupport.addUser(directory, name: "Bob")
                #expect(try store.readStored(other) == nil)

                try OpsSupport.write("{\"schemaVersion\":1", to: directory.aggregatePath(other))
                #expect(throws: StorageError.self) { try store.readStored(other) }
            }
        }
    }
}
