/// Node names as the wire carries them (openapi.yaml's `Node`).
public enum WireNode {
    /// Whether `node` is a node name the API takes: 1–64 of `A-Z a-z 0-9 . _ -`, starting with
    /// a letter or digit.
    public static func isValid(_ node: String) -> Bool {
        guard let first = node.unicodeScalars.first, node.unicodeScalars.count <= 64 else { return false }
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return isAlphanumeric(first)
            && node.unicodeScalars.allSatisfy { isAlphanumeric($0) || "._-".unicodeScalars.contains($0) }
    }
}
