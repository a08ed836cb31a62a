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

    @Test func theQuotedTextIsTheCanonicalJSONStringOfTheText() {
        for _ in 0..<2_000 {
            let id = UUID()
            var out: [UInt8] = [UInt8(ascii: "[")]
            id.writeQuotedText(into: &out)
            #expect(out == [UInt8(ascii: "[")] + CanonicalJSON.string(id.uuidString).bytes)
            var optional: [UInt8] = []
            CanonicalJSON.writeUUID(id, into: &optional)
            CanonicalJSON.writeUUID(nil, into: &optional)
            #expect(optional == CanonicalJSON.string(id.uuidString).bytes + Array("null".utf8))
        }
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

    /// `UUID.random()` gives what `UUID()` gives: version 4 with the RFC's variant, every other
    /// bit random (each of the 122 seen both set and clear over a thousand draws), no repeats.
    @Test func randomIsAVersionFourUUID() {
        var seen = Set<UUID>()
        var everSet = [Bool](repeating: false, count: 128)
        var everClear = [Bool](repeating: false, count: 128)
        for _ in 0..<1_000 {
            let id = UUID.random()
            #expect(seen.insert(id).inserted)
            let text = id.uuidText
            #expect(text[text.index(text.startIndex, offsetBy: 14)] == "4", "\(text)")
            #expect("89AB".contains(text[text.index(text.startIndex, offsetBy: 19)]), "\(text)")
            withUnsafeBytes(of: id.uuid) { bytes in
                for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { everSet[bit] = true }
                for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) == 0 { everClear[bit] = true }
            }
        }
        let fixed = [48, 49, 50, 51, 64, 65]  // the version's four bits and the variant's two
        let random = (0..<128).filter { !fixed.contains($0) }
        #expect(random.allSatisfy { everSet[$0] && everClear[$0] })
        #expect(fixed.allSatisfy { everSet[$0] != everClear[$0] })
    }
}
