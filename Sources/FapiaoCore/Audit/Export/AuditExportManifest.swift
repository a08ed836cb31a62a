/// What an audit export holds, signed by the node that wrote it: `manifest.json`.
///
/// The signature is Ed25519 over the canonical JSON of the manifest without its `signature`
/// member (``signedBytes``), so reformatting the file does not matter and changing any value
/// does.
public struct AuditExportManifest: Hashable, Sendable {
    /// The value of the `format` member.
    public static let format = "fapiao-audit-export"
    /// The version of the format this code writes and reads.
    public static let version: Int64 = 1
    /// The manifest's file name in an export directory.
    public static let fileName = "manifest.json"

    /// An entry of the chain: its sequence and hash.
    public struct Position: Hashable, Sendable {
        public var sequence: Int64
        public var hash: String

        public init(sequence: Int64, hash: String) {
            self.sequence = sequence
            self.hash = hash
        }

        public init(_ entry: AuditEntry) { self.init(sequence: entry.sequence, hash: entry.hash) }
    }

    /// A file of the export, with its size and SHA-256.
    public struct File: Hashable, Sendable {
        public var name: String
        public var bytes: Int64
        public var sha256: String

        public init(name: String, bytes: Int64, sha256: String) {
            self.name = name
            self.bytes = bytes
            self.sha256 = sha256
        }

        /// The entry for `contents` named `name`.
        public init(name: String, contents: [UInt8]) {
            self.init(name: name, bytes: Int64(contents.count), sha256: Digest.sha256Hex(contents))
        }
    }

    /// The node whose chain was exported.
    public var node: String
    public var created: UTCTimestamp
    public var filter: AuditFilter
    /// The file holding the rows (one of ``files``).
    public var rowsFile: String
    public var rowCount: Int64
    /// The first and last exported entries; `nil` when nothing matched.
    public var first: Position?
    public var last: Position?
    /// The last entry of the whole chain when the export was made.
    public var chainHead: Position?
    public var files: [File]
    public var publicKey: AuditPublicKey
    /// The Ed25519 signature over ``signedBytes``, in hexadecimal.
    public var signature: String

    /// Builds and signs a manifest.
    public init(
        node: String,
        created: UTCTimestamp,
        filter: AuditFilter,
        rows: [AuditExportRow],
        rowsFile: String,
        chainHead: Position?,
        files: [File],
        signingKey: AuditSigningKey
    ) {
        self.node = node
        self.created = created
        self.filter = filter
        self.rowsFile = rowsFile
        rowCount = Int64(rows.count)
        first = rows.first.map { Position($0.entry) }
        last = rows.last.map { Position($0.entry) }
        self.chainHead = chainHead
        self.files = files
        publicKey = signingKey.publicKey
        signature = ""
        signature = HexText.encode(signingKey.signature(for: signedBytes))
    }

    /// The manifest as JSON, signature included.
    public var json: CanonicalJSON {
        guard case .object(var members) = unsignedJSON else { return unsignedJSON }
        members["signature"] = .string(signature)
        return .object(members)
    }

    /// The bytes the signature covers: the canonical JSON without the `signature` member.
    public var signedBytes: [UInt8] { unsignedJSON.bytes }

    /// Whether ``signature`` is ``publicKey``'s signature of ``signedBytes``.
    public var signatureIsValid: Bool {
        guard let bytes = HexText.decode(signature), bytes.count == 64 else { return false }
        return publicKey.isValidSignature(bytes, for: signedBytes)
    }

    private var unsignedJSON: CanonicalJSON {
        func position(_ position: Position?) -> CanonicalJSON {
            position.map { .object(["sequence": .integer($0.sequence), "hash": .string($0.hash)]) } ?? .null
        }
        return .object([
            "format": .string(Self.format),
            "version": .integer(Self.version),
            "node": .string(node),
            "created": .string(created.description),
            "filters": filter.canonicalJSON,
            "rows": .object([
                "file": .string(rowsFile),
                "count": .integer(rowCount),
                "first": position(first),
                "last": position(last),
            ]),
            "chainHead": position(chainHead),
            "files": .array(
                files.map {
                    .object(["name": .string($0.name), "bytes": .integer($0.bytes), "sha256": .string($0.sha256)])
                }
            ),
            "signatureAlgorithm": .string("Ed25519"),
            "publicKey": .string(publicKey.hex),
        ])
    }
}

extension AuditExportManifest {
    /// Reads a manifest; its signature is not checked here (``signatureIsValid``).
    ///
    /// - Throws: ``AuditExportProblem`` (notAnExport) naming the member that is missing or malformed.
    public init(parsing bytes: [UInt8]) throws(AuditExportProblem) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(bytes)
        } catch {
            throw Self.refusal("is not JSON (\(error))")
        }
        let json = CanonicalJSON(json: parsed)
        guard json["format"]?.stringValue == Self.format else {
            throw Self.refusal("is not an audit export manifest (its \"format\" is not \"\(Self.format)\")")
        }
        guard let version = json["version"]?.integerValue else { throw Self.refusal("has no \"version\"") }
        guard version == Self.version else {
            throw Self.refusal("is of version \(version); this fapiao reads version \(Self.version), use a newer one")
        }
        func member<T>(_ path: String, _ value: T?) throws(AuditExportProblem) -> T {
            guard let value else { throw Self.refusal("has no valid \"\(path)\"") }
            return value
        }
        func position(_ value: CanonicalJSON?, _ path: String) throws(AuditExportProblem) -> Position? {
            if value == nil || value == .null { return nil }
            return Position(
                sequence: try member("\(path).sequence", value?["sequence"]?.integerValue),
                hash: try member("\(path).hash", value?["hash"]?.stringValue)
            )
        }
        let rows = json["rows"]
        var files: [File] = []
        guard case .array(let fileValues)? = json["files"] else { throw Self.refusal("has no valid \"files\"") }
        for value in fileValues {
            files.append(
                File(
                    name: try member("files.name", value["name"]?.stringValue),
                    bytes: try member("files.bytes", value["bytes"]?.integerValue),
                    sha256: try member("files.sha256", value["sha256"]?.stringValue)
                )
            )
        }
        guard json["signatureAlgorithm"]?.stringValue == "Ed25519" else {
            throw Self.refusal("does not name Ed25519 as its \"signatureAlgorithm\"")
        }
        node = try member("node", json["node"]?.stringValue)
        created = try member("created", json["created"]?.stringValue.flatMap(UTCTimestamp.init(parsing:)))
        filter = try member("filters", json["filters"].flatMap(AuditFilter.init(json:)))
        rowsFile = try member("rows.file", rows?["file"]?.stringValue)
        rowCount = try member("rows.count", rows?["count"]?.integerValue)
        first = try position(rows?["first"], "rows.first")
        last = try position(rows?["last"], "rows.last")
        chainHead = try position(json["chainHead"], "chainHead")
        self.files = files
        publicKey = try member("publicKey", json["publicKey"]?.stringValue.flatMap(AuditPublicKey.init(hex:)))
        signature = try member("signature", json["signature"]?.stringValue)
        // The signature covers the manifest as this type writes it: a member this version does
        // not know, or a value written another way, would escape the check, so it is refused.
        guard case .object(var members) = json else { throw Self.refusal("is not a JSON object") }
        members["signature"] = nil
        guard CanonicalJSON.object(members) == unsignedJSON else {
            throw Self.refusal("has members or values this version does not write")
        }
    }

    private static func refusal(_ what: String) -> AuditExportProblem {
        AuditExportProblem(code: .notAnExport, message: "The manifest \(fileName) \(what).")
    }
}
