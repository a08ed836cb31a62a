import FapiaoCommandSupport
import Testing

/// The one command line read without the argument parser, and every near miss left to it.
@Suite struct QuickEnqueueLineTests {
    @Test func theClerksLineIsReadInAnyOrder() throws {
        let line = try #require(
            QuickEnqueueLine(arguments: [
                "enqueue", "--format", "json", "--as", "王小明", "--json", "in.json", "--journal", "/j/journal.sqlite",
            ])
        )
        #expect(line.json == "in.json")
        #expect(line.journal == "/j/journal.sqlite")
        #expect(line.actor == "王小明")
        #expect(line.jsonReport)

        let plain = try #require(QuickEnqueueLine(arguments: ["enqueue", "--json", "-"]))
        #expect(plain == QuickEnqueueLine(arguments: ["enqueue", "--json", "-", "--format", "text"]))
        #expect(plain.json == "-" && plain.journal == nil && plain.actor == nil && !plain.jsonReport)
    }

    @Test(
        "Anything else goes to the argument parser",
        arguments: [
            [],
            ["enqueue"],
            ["import", "--json", "in.json"],
            ["enqueue", "--json"],
            ["enqueue", "in.json"],
            ["enqueue", "--json=in.json"],
            ["enqueue", "--json", "in.json", "--help"],
            ["enqueue", "--json", "in.json", "-h"],
            ["enqueue", "--json", "a.json", "--json", "b.json"],
            ["enqueue", "--json", "in.json", "--journal", ""],
            ["enqueue", "--json", "in.json", "--as", "-x"],
            ["enqueue", "--json", "-x"],
            ["enqueue", "--json", "in.json", "--format", "csv"],
            ["enqueue", "--json", "in.json", "--format", "JSON"],
            ["enqueue", "--json", "in.json", "--interactive", "--lang"],
            ["enqueue", "--json", "in.json", "--note", "x"],
            ["enqueue", "--json", "in.json", "--", "x"],
            ["enqueue", "--journal", "j.sqlite", "--as", "a"],
            ["--version"],
        ]
    )
    func declines(arguments: [String]) {
        #expect(QuickEnqueueLine(arguments: arguments) == nil)
    }
}
