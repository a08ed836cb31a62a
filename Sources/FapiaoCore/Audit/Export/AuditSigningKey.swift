import Crypto

/// A node's Ed25519 key that signs its audit exports.
///
/// Stored as its 32-byte raw representation; the public half (``AuditPublicKey``) travels in
/// every manifest and is what HQ and auditors compare.
public struct AuditSigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// The key whose raw representation is `bytes`; `nil` unless `bytes` is 32 bytes long.
    public init?(rawRepresentation bytes: [UInt8]) {
        guard bytes.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            return nil
        }
        self.key = key
    }

    /// The 32 bytes that make the key.
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    public var publicKey: AuditPublicKey { AuditPublicKey(verified: Array(key.publicKey.rawRepresentation)) }

    /// The Ed25519 signature of `bytes`, 64 bytes.
    public func signature(for bytes: [UInt8]) -> [UInt8] {
        // Signing with a valid key cannot fail; swift-crypto's `throws` covers its backends.
        (try? Array(key.signature(for: bytes))) ?? []
    }
}

/// The public half of an ``AuditSigningKey``: checks signatures, names the key to people.
public struct AuditPublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the key.
    public let rawRepresentation: [UInt8]

    fileprivate init(verified bytes: [UInt8]) { rawRepresentation = bytes }

    /// The key `text` spells in hexadecimal (64 digits); `nil` when it does not.
    public init?(hex text: String) {
        guard text.utf8.count == 64, let bytes = HexText.decode(text),
            (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil
        else { return nil }
        rawRepresentation = bytes
    }

    /// The key as 64 lowercase hexadecimal digits.
    public var hex: String { HexText.encode(rawRepresentation) }

    /// A short name to compare by eye: the first 16 hexadecimal digits of the key's SHA-256,
    /// in groups of four (`3f2a-9c1b-77d0-e4a2`).
    public var fingerprint: String {
        let digest = Array(Digest.sha256Hex(rawRepresentation).prefix(16))
        return stride(from: 0, to: 16, by: 4).map { String(digest[$0..<$0 + 4]) }.joined(separator: "-")
    }

    public var description: String { fingerprint }

    /// Whether `signature` is this key's Ed25519 signature of `bytes`.
    public func isValidSignature(_ signature: [UInt8], for bytes: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }
}
