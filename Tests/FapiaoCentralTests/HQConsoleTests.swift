import FapiaoCentralService
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@testable import FapiaoCentralService

/// The console's logins and pages: a login code works once and not after ten minutes, a session
/// lasts eight hours, and every page renders with what it is given, HTML escaped.
@Suite struct HQConsoleTests {
    @Test func aLoginCodeWorksOnceAndExpires() {
        let clock = ManualClock()
        let console = HQConsole(now: { clock.now })
        let code = console.issueCode()
        let session = console.redeem(code)
        #expect(session != nil)
        #expect(console.redeem(code) == nil)
        #expect(console.isValid(session ?? ""))
        #expect(!console.isValid("0123"))

        let late = console.issueCode()
        clock.advance(byMilliseconds: HQConsole.codeLifetime + 1)
        #expect(console.redeem(late) == nil)
        clock.advance(byMilliseconds: HQConsole.sessionLifetime)
        #expect(!console.isValid(session ?? ""))
    }

    @Test func everyPageRendersAndEscapesWhatItShows() {
        let hostile = "<script>alert(1)</script>北京客户"
        let pages: [(String, [String: Any])] = [
            (
                "branches",
                ["title": "Branches", "hasBranches": true, "branches": [["branch": "bj-01", "chain": hostile]]]
            ),
            ("branch", ["title": "bj-01", "branch": "bj-01", "chain": hostile, "hasRejections": false]),
            ("invoices", ["title": "Invoices", "query": hostile, "hasInvoices": false]),
            ("invoice", ["title": "1", "number": "1", "buyer": hostile, "hasOperations": false, "hasEntries": false]),
            ("login", ["title": "Log in", "failed": hostile]),
        ]
        for (name, context) in pages {
            let html = ConsoleTemplates.render(name, context)
            #expect(html.hasPrefix("<!DOCTYPE html>"), "\(name)")
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;北京客户"), "\(name)")
            #expect(!html.contains("<script>"), "\(name)")
            #expect(html.contains("</html>"), "\(name)")
        }
    }

    @Test func theOutboxChartDrawsOldestToNewest() {
        let points = [(UTCTimestamp(millisecondsSinceEpoch: 2), 0), (UTCTimestamp(millisecondsSinceEpoch: 1), 8)]
        let svg = ConsoleText.chart(points.map { (at: $0.0, size: $0.1) }, width: 100, height: 20)
        #expect(svg.contains("points=\"1.0,1.0 99.0,19.0\""))
        #expect(svg.contains("outbox from 8 to 0, highest 8"))
        #expect(ConsoleText.chart([], width: 100, height: 20) == "-")
    }
}
