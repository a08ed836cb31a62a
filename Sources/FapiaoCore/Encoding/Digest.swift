import Crypto

/// SHA-256 helpers that return lowercase hexadecimal strings.
public enum Digest {
    /// The SHA-256 of `bytes` as 64 lowercase hexadecimal characters.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash that stands before the first audit entry: 64 zeros.
    public static let zeroHex = String(repeating: "0", count: 64)

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
