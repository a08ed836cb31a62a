/// Tells a damaged SQLite write-ahead log from one a crash cut short.
///
/// SQLite reads a WAL frame by frame and stops at the first frame whose salts or running
/// checksum do not match (the WAL file format, https://www.sqlite.org/fileformat2.html#walformat):
/// everything after it is taken for a write torn by a crash and silently dropped, and the next
/// write overwrites it. With `synchronous=FULL` (the journal's and the central store's setting)
/// a commit is synced before the next transaction starts, so a crash can tear only the last
/// transaction's frames. A commit frame of the current generation (the header's salts) after
/// the first bad frame, followed by more frames of that generation, therefore means the bad
/// frame was damaged after it was written: opening would lose every commit after it.
public enum SQLiteWAL {
    /// What a scan of a WAL found.
    public struct Damage: Hashable, Sendable {
        /// The first frame SQLite would not read (0-based).
        public var frame: Int
        /// Commits of the current generation after it, which SQLite would drop.
        public var commitsAfter: Int
        /// Whether the WAL header itself fails its checksum.
        public var header: Bool

        /// The finding in words, for an error message.
        public var description: String {
            let commits = commitsAfter == 1 ? "1 later commit" : "\(commitsAfter) later commits"
            return header
                ? "the write-ahead log's header is damaged, hiding \(commits)"
                : "frame \(frame + 1) of the write-ahead log is damaged, hiding \(commits)"
        }
    }

    private static let headerSize = 32
    private static let frameHeaderSize = 24

    /// The damage in a WAL's bytes, or `nil` when SQLite would read every commit it holds (or
    /// it cannot tell: too short, not a WAL, only the last transaction torn).
    ///
    /// - Parameters:
    ///   - wal: the bytes of the `-wal` file.
    ///   - databasePageSize: the page size from the database header, used when the WAL
    ///     header's own is damaged.
    /// - Returns: the damage, or `nil`.
    public static func damage(in wal: [UInt8], databasePageSize: Int? = nil) -> Damage? {
        guard wal.count >= headerSize else { return nil }
        let magic = word(wal, 0, bigEndian: true)
        guard magic == 0x377f_0682 || magic == 0x377f_0683 else { return nil }
        let bigEndian = magic & 1 == 1
        let stored = (word(wal, 24, bigEndian: true), word(wal, 28, bigEndian: true))
        let headerIntact = checksum(wal, 0..<24, bigEndian: bigEndian, seed: (0, 0)) == stored
        let declaredPageSize = Int(word(wal, 8, bigEndian: true))
        let pageSize = headerIntact ? declaredPageSize : (databasePageSize ?? declaredPageSize)
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else { return nil }
        let frameSize = frameHeaderSize + pageSize
        let frameCount = (wal.count - headerSize) / frameSize
        guard frameCount > 0 else { return nil }

        func frameSalts(_ index: Int) -> (UInt32, UInt32) {
            let start = headerSize + index * frameSize
            return (word(wal, start + 8, bigEndian: true), word(wal, start + 12, bigEndian: true))
        }
        // The generation's salts: the header's, or (its checksum failing) the first frame's.
        let salts =
            headerIntact ? (word(wal, 16, bigEndian: true), word(wal, 20, bigEndian: true)) : frameSalts(0)

        var firstBad: Int? = headerIntact ? nil : 0
        var running = stored
        var commitsAfterBad: [Int] = []
        var lastOfGeneration = -1
        for index in 0..<frameCount {
            let start = headerSize + index * frameSize
            let ofGeneration = frameSalts(index) == salts
            if firstBad == nil {
                var sum = checksum(wal, start..<(start + 8), bigEndian: bigEndian, seed: running)
                sum = checksum(wal, (start + frameHeaderSize)..<(start + frameSize), bigEndian: bigEndian, seed: sum)
                let expected = (word(wal, start + 16, bigEndian: true), word(wal, start + 20, bigEndian: true))
                if ofGeneration, sum == expected {
                    running = sum
                    continue
                }
                firstBad = index
            }
            guard ofGeneration else { continue }
            lastOfGeneration = index
            if word(wal, start + 4, bigEndian: true) != 0 { commitsAfterBad.append(index) }
        }
        guard let firstBad else { return nil }
        // A commit followed by more frames of the generation was synced before they were written.
        let hidden = commitsAfterBad.filter { $0 < lastOfGeneration }
        guard !hidden.isEmpty else { return nil }
        return Damage(frame: firstBad, commitsAfter: commitsAfterBad.count, header: !headerIntact)
    }

    /// The damage in the WAL beside the database at `databasePath`, read through `read` (which
    /// returns a file's bytes, or `nil` when there is none), or `nil` when there is none.
    ///
    /// A writer restarting the WAL while it is read can make a sound WAL look damaged (a new
    /// header over old frames), so a finding counts only when a second read finds the same
    /// under the same header.
    ///
    /// - Parameters:
    ///   - databasePath: the database's path; its WAL is `databasePath-wal`.
    ///   - read: reads a whole file, `nil` when there is none.
    /// - Returns: the damage, or `nil`.
    public static func damage(besideDatabase databasePath: String, read: (String) -> [UInt8]?) -> Damage? {
        let path = databasePath + "-wal"
        guard let first = read(path), let found = damage(in: first) else { return nil }
        guard let second = read(path), second.prefix(headerSize) == first.prefix(headerSize),
            damage(in: second) == found
        else { return nil }
        return found
    }

    /// A 32-bit word at `offset`.
    private static func word(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt32 {
        let b0 = UInt32(bytes[offset])
        let b1 = UInt32(bytes[offset + 1])
        let b2 = UInt32(bytes[offset + 2])
        let b3 = UInt32(bytes[offset + 3])
        return bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
    }

    /// SQLite's WAL checksum over `range` (a multiple of 8 bytes), continuing from `seed`.
    private static func checksum(
        _ bytes: [UInt8],
        _ range: Range<Int>,
        bigEndian: Bool,
        seed: (UInt32, UInt32)
    ) -> (UInt32, UInt32) {
        var (s0, s1) = seed
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            s0 = s0 &+ word(bytes, offset, bigEndian: bigEndian) &+ s1
            s1 = s1 &+ word(bytes, offset + 4, bigEndian: bigEndian) &+ s0
            offset += 8
        }
        return (s0, s1)
    }
}
