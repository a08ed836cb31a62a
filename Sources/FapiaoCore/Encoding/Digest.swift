import Crypto

/// SHA-256 helpers that return lowercase hexadecimal strings.
public enum Digest {
    /// The SHA-256 of `bytes` as 64 lowercase hexadecimal characters.
    ///
    /// The digits are written straight into the string's storage from the digest's bytes: every
    /// operation and audit entry is hashed at both ends of a sync, and the iterator, the
    /// intermediate array and its UTF-8 check cost about a sixth of the hash of an entry.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        return digest.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: 2 * raw.count) { out in
                for (index, byte) in raw.enumerated() {
                    out[2 * index] = hexDigit(byte >> 4)
                    out[2 * index + 1] = hexDigit(byte & 0x0F)
                }
                return 2 * raw.count
            }
        }
    }

    /// The hash that stands before the first audit entry: 64 zeros.
    public static let zeroHex = String(repeating: "0", count: 64)

    /// The lowercase hexadecimal digit of a value below 16.
    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }
}
