import FapiaoCore

/// Node names as the wire carries them (openapi.yaml's `Node`).
public enum WireNode {
    /// Whether `node` is a node name the API takes: ``NodeName``'s rule, the one every branch's
    /// journal has always followed, so every branch name already written passes it.
    public static func isValid(_ node: String) -> Bool { NodeName.isValid(node) }
}
