import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// The helpers of the FapiaoTesting target, which the other tests lean on.
@Suite struct TestingSupportTests {
    @Test func theManualClockStartsAtTheDesignExampleAndMovesOnlyWhenTold() {
        let clock = ManualClock()
        #expect(clock.now.description == "2026-11-20T08:15:30.125Z")
        #expect(clock.shanghaiToday.description == "2026-11-20")
        // Reading the clock never moves it.
        let first = clock.now
        _ = clock.shanghaiToday
        #expect(clock.now == first)
        clock.advance(byMilliseconds: 875)
        #expect(clock.now.description == "2026-11-20T08:15:31.000Z")
        clock.advance(byDays: 2)
        #expect(clock.now.description == "2026-11-22T08:15:31.000Z")
        clock.now = UTCTimestamp(millisecondsSinceEpoch: 0)
        #expect(clock.now.description == "1970-01-01T00:00:00.000Z")
    }

    @Test func theManualClockCanBeAdvancedFromManyTasks() async {
        let clock = ManualClock(UTCTimestamp(millisecondsSinceEpoch: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    for _ in 0..<200 { clock.advance(byMilliseconds: 1) }
                }
            }
        }
        #expect(clock.now.millisecondsSinceEpoch == 10_000)
    }

    @Test func sequentialIDsAreNumberedFromOne() throws {
        let ids = SequentialIDSource()
        #expect(ids.next().uuidString == "00000001-0000-4000-8000-000000000001")
        #expect(ids.next() == SequentialIDSource.id(2))
        #expect(ids.issued == 2)
        #expect(SequentialIDSource.id(0xABC).uuidString == "00000ABC-0000-4000-8000-000000000ABC")
        #expect(SequentialIDSource(startingAt: 10).next() == SequentialIDSource.id(10))
    }

    @Test func sequentialIDsAreUniqueAcrossTasks() async {
        let ids = SequentialIDSource()
        let minted = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<20 {
                group.addTask { (0..<50).map { _ in ids.next() } }
            }
            var all: [UUID] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(minted.count == 1_000)
        #expect(Set(minted).count == 1_000)
        #expect(Set(minted) == Set((1...1_000).map { SequentialIDSource.id(UInt64($0)) }))
    }

    @Test func theFixtureIsTheDesignExampleAsADigitalInvoice() {
        let clock = ManualClock()
        let input = InvoiceFixtures.validInput(clock: clock, daysAgo: 3)
        #expect(input.fields["type"] == "digitalOrdinary")
        #expect(input.fields["number"] == "26110000000000000001")
        #expect(input.fields["issueDate"] == "2026-11-17")
        #expect(input.fields["gross"] == "552.00")
        #expect(input.lines.count == 1)
        #expect(input.problems.isEmpty)
        #expect(InvoiceFixtures.number(1) == InvoiceFixtures.number)
        #expect(InvoiceFixtures.number(1_234).count == 20)
        #expect(InvoiceFixtures.json(input).text.contains(#""seller":{"name":"北京示例科技有限公司","taxID":"#))
    }

    @Test func temporaryDirectoriesAreUniqueAndRemoved() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        #expect(first.path != second.path)
        try Data("x".utf8).write(to: URL(fileURLWithPath: first.file("file.txt")))
        #expect(FileManager.default.fileExists(atPath: first.file("file.txt")))
        first.remove()
        #expect(!FileManager.default.fileExists(atPath: first.path))
        first.remove()  // twice is fine

        var path = ""
        do {
            let scoped = try TemporaryDirectory()
            path = scoped.path
            try Data("y".utf8).write(to: URL(fileURLWithPath: scoped.file("file.txt")))
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!path.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
