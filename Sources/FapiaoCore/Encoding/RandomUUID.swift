import Foundation

extension UUID {
    /// A random UUID (version 4, RFC 9562 §5.4), as `UUID()` gives.
    ///
    /// It comes from the system's cryptographic generator: Foundation on Linux opens, reads and
    /// closes `/dev/urandom` for each one (three system calls), while
    /// `SystemRandomNumberGenerator` asks the kernel directly (`getrandom`). A capture mints two.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var words = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &words) { bytes in
            bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
            bytes[8] = bytes[8] & 0x3F | 0x80  // the RFC's variant
            return UUID(uuid: bytes.load(as: uuid_t.self))
        }
    }
}
