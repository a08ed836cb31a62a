import Foundation

extension RemoteLocation {
    /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or `::1`.
    ///
    /// A bearer token goes over plain `http://` only to such a host; anything else must be
    /// `https://`, where the token is encrypted and the centre proves who it is.
    public static func isLoopback(host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: ["[", "]"])
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in UInt8(octet).map { String($0) == octet } ?? false }
    }
}
