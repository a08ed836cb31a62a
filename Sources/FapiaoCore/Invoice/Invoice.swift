import Foundation

/// A validated invoice: one version of it, as captured, amended or voided.
///
/// Values of this type have passed ``InvoiceValidator``; build them from input with it.
/// `id` is minted at capture and never changes: it is the root of every idempotency key.
public struct Invoice: Hashable, Sendable {
    public var id: UUID
    public var kind: InvoiceKind
    /// For a red invoice, the number of the invoice it reverses.
    public var originalNumber: String?
    public var type: InvoiceType
    /// 发票代码, legacy invoices only.
    public var code: String?
    public var number: String
    public var issueDate: CalendarDate
    public var seller: Party
    public var buyer: Party
    public var lines: [InvoiceLine]
    public var net: Money
    public var tax: Money
    public var gross: Money
    public var taxRate: TaxRate
    /// 校验码, 20 digits, optional.
    public var checkCode: String?
    public var note: String?
    /// The clerk who typed the invoice in.
    public var operatorName: String?
    /// When the branch captured it (UTC).
    public var capturedAt: UTCTimestamp
    /// The node id of the branch that captured it.
    public var branch: String
    /// Set once the invoice is voided.
    public var void: VoidRecord?
    /// For a red invoice, its reason, confirmation number and what it says of its original.
    public var red: RedReference?

    public init(
        id: UUID,
        kind: InvoiceKind = .normal,
        originalNumber: String? = nil,
        type: InvoiceType,
        code: String? = nil,
        number: String,
        issueDate: CalendarDate,
        seller: Party,
        buyer: Party,
        lines: [InvoiceLine] = [],
        net: Money,
        tax: Money,
        gross: Money,
        taxRate: TaxRate,
        checkCode: String? = nil,
        note: String? = nil,
        operatorName: String? = nil,
        capturedAt: UTCTimestamp,
        branch: String,
        void: VoidRecord? = nil,
        red: RedReference? = nil
    ) {
        self.id = id
        self.kind = kind
        self.originalNumber = originalNumber
        self.type = type
        self.code = code
        self.number = number
        self.issueDate = issueDate
        self.seller = seller
        self.buyer = buyer
        self.lines = lines
        self.net = net
        self.tax = tax
        self.gross = gross
        self.taxRate = taxRate
        self.checkCode = checkCode
        self.note = note
        self.operatorName = operatorName
        self.capturedAt = capturedAt
        self.branch = branch
        self.void = void
        self.red = red
    }

    /// The invoice's legal identity: no two invoices in a journal share it.
    public var numberKey: NumberKey { NumberKey(sellerTaxID: seller.taxID, code: code ?? "", number: number) }

    /// For a red invoice, the number key of the original it reverses (same seller).
    public var originalKey: NumberKey? {
        guard kind == .red, let originalNumber else { return nil }
        return NumberKey(sellerTaxID: seller.taxID, code: red?.originalCode ?? "", number: originalNumber)
    }

    /// How stores spell ``originalKey`` in a column (`seller|code|number`).
    public var originalKeyText: String? { originalKey.map { "\($0.sellerTaxID)|\($0.code)|\($0.number)" } }

    /// The currency all amounts are in.
    public var currency: String { gross.currency }
}
