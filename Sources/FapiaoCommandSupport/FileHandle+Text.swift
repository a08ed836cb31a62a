import Foundation

extension FileHandle {
    /// Writes `text` in UTF-8.
    ///
    /// `write(Data(text.utf8))` costs more than it seems: `Data`'s initializer from a sequence
    /// asks the runtime whether the sequence is `ContiguousBytes`, and the first such question in
    /// a process scans every protocol-conformance record of the binary (about 450,000
    /// instructions, in a `fapiao enqueue` that runs once per invoice). The bytes of a native
    /// string are contiguous already.
    public func write(utf8 text: String) {
        var text = text
        text.withUTF8 { write(Data(buffer: $0)) }
    }
}
