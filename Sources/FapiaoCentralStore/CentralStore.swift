import FapiaoCore
import FapiaoRemote
import Foundation

/// The central record of every branch's invoices (DESIGN §7).
///
/// Every implementation applies ``CentralRules`` to each pushed operation, in order, and
/// applies a whole batch in one transaction. Operation ids are kept with their hashes
/// forever, so a replay after a lost reply is recognised as a duplicate however late it comes.
public protocol CentralStore: Sendable {
    /// The centre's node id in vector clocks (`central`).
    var node: String { get }
    /// `sqlite`, `postgres` or `memory`.
    var kind: String { get }

    /// Applies `operations` pushed by `branch`, in order, in one transaction.
    func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome]

    /// The current versions of the given invoices.
    func lookup(_ ids: [UUID]) async throws -> InvoiceLookup

    /// Invoices of `branch` changed after change number `cursor`, oldest first: those changed
    /// by another node (`.elsewhere`), or every one the store holds (`.all`).
    func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage

    /// A change made at the centre itself (HQ amends or voids an invoice): the centre's
    /// clock entry ticks, so the change reaches the branch on its next pull.
    func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion

    /// How many invoices the centre holds.
    func invoiceCount() async throws -> Int64

    /// Closes the store's connections.
    func close() async throws
}

extension CentralStore {
    /// Invoices of `branch` changed by another node after change number `cursor`, oldest first.
    public func changes(branch: String, since cursor: Int64, limit: Int) async throws -> ChangePage {
        try await changes(branch: branch, since: cursor, limit: limit, scope: .elsewhere)
    }
}

/// A change HQ makes to an invoice at the centre.
public struct CentralEdit: Hashable, Sendable {
    public enum Change: Hashable, Sendable {
        /// Replaces the named fields (wire names: `buyer.name`, `note`, `net`, …).
        case amend([String: String])
        case void(reason: String)
    }

    public var change: Change
    /// Who made it, recorded in the void record or the operator field.
    public var actor: String
    public var at: UTCTimestamp
    /// The new operation's id.
    public var operationID: UUID

    public init(_ change: Change, actor: String, at: UTCTimestamp, operationID: UUID = UUID()) {
        self.change = change
        self.actor = actor
        self.at = at
        self.operationID = operationID
    }
}

/// Why a store refused a request as a whole.
public struct CentralStoreError: CategorizedError, Hashable, Sendable {
    /// What kind of failure; new codes may be added, so a `switch` needs a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invoiceNotFound
            case invalidEdit
            case unavailable
            case damaged
            case notFound
            case notACentralStore
            case newerVersion
            case nodeMismatch
            case unreachable
            case inDoubt
            case invalidLocation
            case authenticationRefused
            case busy
            case ioError
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The centre holds no invoice with that id.
        public static let invoiceNotFound = Code(.invoiceNotFound)
        /// A central edit breaks an invoice rule, or the invoice cannot be changed.
        public static let invalidEdit = Code(.invalidEdit)
        /// The store cannot serve now (closed, busy, disk full, I/O error); nothing was changed.
        public static let unavailable = Code(.unavailable)
        /// The store's file or a stored version is damaged.
        public static let damaged = Code(.damaged)
        /// No store at the given place, and the caller did not ask to create one.
        public static let notFound = Code(.notFound)
        /// The file is not a Fapiao central store (a branch journal, another application's
        /// database, random bytes); it was left unchanged.
        public static let notACentralStore = Code(.notACentralStore)
        /// The store was written by a newer Fapiao; it was left unchanged.
        public static let newerVersion = Code(.newerVersion)
        /// The store was created for another central node id.
        public static let nodeMismatch = Code(.nodeMismatch)
        /// The store's database server cannot be reached, or the connection broke before the
        /// transaction was committed: nothing was changed.
        public static let unreachable = Code(.unreachable)
        /// The connection broke while the transaction was being committed.
        ///
        /// It may or may not have been applied. Sending the same operations again is safe (operation ids).
        public static let inDoubt = Code(.inDoubt)
        /// The store's location (a `postgres://` URL, its options) is malformed.
        public static let invalidLocation = Code(.invalidLocation)
        /// The database server refused the store's credentials.
        public static let authenticationRefused = Code(.authenticationRefused)
        /// Another process holds the store's write lock; nothing was changed, try again shortly.
        public static let busy = Code(.busy)
        /// Reading or writing the store's file failed, or its disk is full; nothing was changed.
        public static let ioError = Code(.ioError)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    /// The underlying error, if any (kept for logs; not part of equality).
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// What the failure means for the user; both executables' exit code follows from it.
    public var category: ErrorCategory {
        switch code {
        case .invoiceNotFound, .notFound: .notFound
        case .invalidEdit: .invalidData
        case .unavailable, .unreachable, .inDoubt: .unavailable
        case .busy: .busy
        case .ioError: .ioError
        case .invalidLocation: .usage
        case .authenticationRefused: .permission
        case .notACentralStore, .newerVersion, .nodeMismatch: .foreignFile
        case .damaged: .damaged
        default: .internalFailure
        }
    }

    public static func == (lhs: CentralStoreError, rhs: CentralStoreError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}

extension CentralEdit {
    /// The operation this edit makes on `current`, with the centre's clock entry ticked.
    ///
    /// - Throws: ``CentralStoreError`` `.invalidEdit` when the result breaks an invoice rule
    ///   or the invoice is already voided.
    public func operation(
        on current: RemoteVersion,
        node: String,
        policy: CentralPolicy
    ) throws(CentralStoreError)
        -> InvoiceOperation
    {
        let invoice = current.invoice
        guard invoice.void == nil else {
            throw CentralStoreError(.invalidEdit, "invoice \(invoice.id.uuidString) is voided; it cannot be changed")
        }
        let clock = current.clock.incremented(at: node)
        switch change {
        case .void(let reason):
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw CentralStoreError(.invalidEdit, "reason must not be empty when voiding an invoice")
            }
            var voided = invoice
            voided.void = VoidRecord(reason: trimmed, at: at, by: actor)
            return InvoiceOperation(id: operationID, kind: .void, clock: clock, invoice: voided)
        case .amend(let fields):
            var input = InvoiceInput(invoice: invoice)
            for (key, value) in fields {
                if InvoiceInput.systemFields.contains(key) || key == "id" {
                    throw CentralStoreError(.invalidEdit, "\(key) cannot be amended")
                }
                input.fields[key] = value
            }
            let context = CaptureContext(
                id: invoice.id,
                capturedAt: invoice.capturedAt,
                branch: invoice.branch,
                operatorName: invoice.operatorName
            )
            let amended: Invoice
            do {
                amended = try InvoiceValidator.validate(input, policy: policy.validation, context: context).invoice
            } catch {
                throw CentralStoreError(.invalidEdit, error.description)
            }
            return InvoiceOperation(id: operationID, kind: .amend, clock: clock, invoice: amended)
        }
    }
}
