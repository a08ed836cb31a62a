import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import Foundation
import Logging
import Synchronization
import Testing

/// `--log-format json`: each record one JSON object on one line, whatever the message and
/// metadata hold.
@Suite struct JSONLogHandlerTests {
    /// The lines a handler wrote.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    let written = Lines()
    let time = UTCTimestamp(millisecondsSinceEpoch: 1_796_420_560_125)

    func logger(level: Logger.Level = .info) -> Logger {
        let written = written
        let time = time
        var logger = Logger(label: "fapiao-central") { label in
            JSONLogHandler(label: label, now: { time }, write: written.append)
        }
        logger.logLevel = level
        return logger
    }

    /// Each written line, parsed back as a JSON object.
    func records() throws -> [[String: Any]] {
        try written.all.map { line in
            #expect(!line.contains("\n"))
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not an object: \(line)")
        }
    }

    @Test func aRecordIsOneObjectWithTimeLevelLabelMessageAndItsMetadata() throws {
        logger().info("store open", metadata: ["store": "sqlite:/srv/central.sqlite", "kind": "sqlite"])
        let record = try #require(try records().first)
        #expect(record["time"] as? String == "2026-12-04T21:42:40.125Z")
        #expect(record["level"] as? String == "info")
        #expect(record["label"] as? String == "fapiao-central")
        #expect(record["message"] as? String == "store open")
        #expect(record["store"] as? String == "sqlite:/srv/central.sqlite")
        #expect(record["kind"] as? String == "sqlite")
        #expect(record.count == 6)
    }

    @Test func levelsBelowTheLoggersAreNotWritten() throws {
        let logger = logger(level: .notice)
        logger.info("quiet")
        logger.warning("loud")
        #expect(try records().map { $0["message"] as? String } == ["loud"])
        #expect(try records().first?["level"] as? String == "warning")
    }

    @Test(arguments: [
        "a \"quoted\" message", "back\\slash", "two\nlines\r\n", "tab\there", "nul \u{0} bell \u{7} esc \u{1B}",
        "发票系统里没有", "emoji 🧾", "\u{2028}\u{2029}", "\u{7F}", "",
    ])
    func anyMessageParsesBackExactly(message: String) throws {
        logger().error("\(message)", metadata: ["branch": "\(message)"])
        #expect(written.all.count == 1)
        let record = try #require(try records().first)
        #expect(record["message"] as? String == message)
        #expect(record["branch"] as? String == message)
    }

    @Test func nestedMetadataIsFlattenedAndListsStayLists() throws {
        struct Described: CustomStringConvertible { var description: String { "described \"value\"" } }
        logger().notice(
            "push",
            metadata: [
                "request": ["id": "r-1", "peer": ["host": "127.0.0.1", "port": "8080"]],
                "counts": ["3", "0", ["nested": "x"]],
                "empty": [:],
                "thing": .stringConvertible(Described()),
            ]
        )
        let record = try #require(try records().first)
        #expect(record["request.id"] as? String == "r-1")
        #expect(record["request.peer.host"] as? String == "127.0.0.1")
        #expect(record["request.peer.port"] as? String == "8080")
        let counts = try #require(record["counts"] as? [Any])
        #expect(counts.count == 3)
        #expect(counts[0] as? String == "3")
        #expect((counts[2] as? [String: Any])?["nested"] as? String == "x")
        #expect((record["empty"] as? [String: Any])?.isEmpty == true)
        #expect(record["thing"] as? String == "described \"value\"")
    }

    @Test func metadataNeverReplacesTheRecordsOwnKeys() throws {
        logger().info(
            "real message",
            metadata: ["message": "forged", "time": "yesterday", "level": "critical", "label": "other"]
        )
        let record = try #require(try records().first)
        #expect(record["message"] as? String == "real message")
        #expect(record["time"] as? String == "2026-12-04T21:42:40.125Z")
        #expect(record["level"] as? String == "info")
        #expect(record["label"] as? String == "fapiao-central")
        #expect(record["metadata.message"] as? String == "forged")
        #expect(record["metadata.time"] as? String == "yesterday")
    }

    @Test func theLoggersOwnAndProvidedMetadataAreIncludedTheRecordsWin() throws {
        var logger = logger()
        logger[metadataKey: "node"] = "central"
        logger[metadataKey: "branch"] = "from logger"
        logger.info("x", metadata: ["branch": "bj-01"])
        let record = try #require(try records().first)
        #expect(record["node"] as? String == "central")
        #expect(record["branch"] as? String == "bj-01")
    }

    @Test func manyRecordsMakeAsManyLines() throws {
        let logger = logger()
        for index in 0..<50 { logger.info("record \(index)", metadata: ["index": "\(index)"]) }
        let parsed = try records()
        #expect(parsed.count == 50)
        #expect(parsed.last?["index"] as? String == "49")
    }

    @Test func textStaysTheDefaultFormatAndJSONIsChosenByName() {
        #expect(LogFormat(argument: "json") == .json)
        #expect(LogFormat(argument: "text") == .text)
        #expect(LogFormat(argument: "yaml") == nil)
        #expect(LogFormat.json.logger(label: "x", level: .debug).logLevel == .debug)
    }
}
