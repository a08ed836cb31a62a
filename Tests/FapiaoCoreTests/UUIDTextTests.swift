import FapiaoCore
import Foundation
import Testing

/// The UUID text written and read without Foundation's formatter must be Foundation's, exactly.
@Suite struct UUIDTextTests {
    @Test func theTextIsFoundationsUUIDString() {
        for _ in 0..<20_000 {
            let id = UUID()
            #expect(id.uuidText == id.uuidString)
        }
        let zero: UInt8 = 0
        let full: UInt8 = 255
        let edges = [
            UUID(
                uuid: (zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero)
            ),
            UUID(
                uuid: (full, full, full, full, full, full, full, full, full, full, full, full, full, full, full, full)
            ),
        ]
        for id in edges { #expect(id.uuidText == id.uuidString) }
    }

    @Test func whatParsesIsWhatFoundationParses() {
        var texts: [String] = []
        for _ in 0..<2_000 {
            let text = UUID().uuidString
            let mixed = text.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.lowercased()) : $0.element }
            texts += [text, text.lowercased(), String(mixed)]
        }
        let sample = UUID().uuidString
        texts += [
            "", "-", String(sample.dropLast()), sample + "0", "{" + sample + "}",
            sample.replacingOccurrences(of: "-", with: ""),
            String(sample.prefix(8)) + "+" + String(sample.dropFirst(9)), "G" + String(sample.dropFirst()),
            " " + String(sample.dropFirst()), String(sample.prefix(7)) + "-" + String(sample.dropFirst(8)),
            sample + "\n", "éééééééé-" + String(sample.dropFirst(9)), String(repeating: "-", count: 36),
        ]
        for text in texts {
            #expect(UUID(uuidText: text) == UUID(uuidString: text), "\(text)")
        }
    }
}
