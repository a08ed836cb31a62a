import FapiaoCommandSupport
import Foundation
import Testing

/// The exit-code lists of `fapiao --help` and `fapiao-central --help` name every code of
/// ``ExitCodes``, once each, in order, so they cannot drift from the table again.
@Suite struct ExitCodeHelpTests {
    /// Every code the table knows, with done (0) and attention (1).
    static let everyCode = Set(ExitCodes.table.map(\.code) + [ExitCodes.done, ExitCodes.attention])

    @Test(arguments: [("fapiao", ExitCodeHelp.branch), ("fapiao-central", ExitCodeHelp.central)])
    func eachListNamesEveryCodeOnceInOrder(program: String, entries: [ExitCodeHelp.Entry]) {
        let codes = entries.map(\.code)
        #expect(Set(codes) == Self.everyCode, "\(program) lacks \(Self.everyCode.subtracting(codes).sorted())")
        #expect(codes == codes.sorted(), "\(program)'s list is in code order")
        #expect(Set(codes).count == codes.count, "\(program) names no code twice")
        #expect(entries.allSatisfy { !$0.meaning.isEmpty && !$0.meaning.contains(";") })
    }

    @Test func theChainBreakIsListedForBoth() {
        #expect(ExitCodeHelp.paragraph(ExitCodeHelp.branch).contains("; 79 chain break:"))
        #expect(ExitCodeHelp.paragraph(ExitCodeHelp.central).contains("; 79 a branch's audit chain is broken"))
    }

    @Test func theParagraphIsOneSentenceListingEachCode() {
        let text = ExitCodeHelp.paragraph([(0, "done"), (64, "usage")], heading: "Exit codes")
        #expect(text == "Exit codes: 0 done; 64 usage.")
    }
}
