/// The fixed fields of an SQLite database header that SQLite itself only half checks.
///
/// A file whose write version (byte 18) is unknown is opened read-only by SQLite, so every write
/// fails as if the file belonged to someone else; one whose read version (byte 19) or payload
/// fractions are wrong is refused in ways that name no damage. Checked before SQLite opens the
/// file, they are reported for what they are: a damaged header (https://www.sqlite.org/fileformat.html §1.3).
public enum SQLiteHeader {
    /// Why the first 100 bytes of a database are not a sound header, or `nil`.
    public static func problem(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 100 else { return "the header is shorter than 100 bytes" }
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        if !(pageSize == 1 || (512...32_768).contains(pageSize) && pageSize & (pageSize - 1) == 0) {
            return "its page size field is \(pageSize), not a power of two from 512 to 65536"
        }
        if ![1, 2].contains(bytes[18]) {
            return "its file format write version is \(bytes[18]), where SQLite writes 1 or 2"
        }
        if ![1, 2].contains(bytes[19]) {
            return "its file format read version is \(bytes[19]), where SQLite writes 1 or 2"
        }
        if bytes[21] != 64 || bytes[22] != 32 || bytes[23] != 32 {
            return "its payload fractions are \(bytes[21]), \(bytes[22]), \(bytes[23]), where SQLite writes 64, 32, 32"
        }
        return nil
    }
}
