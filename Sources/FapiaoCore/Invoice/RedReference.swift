/// What a red invoice (红字发票) says about the blue original it reverses, beyond its number.
///
/// The original is looked up in the journal by seller, code and number; when it was issued
/// elsewhere, the red invoice carries the original's issue date and amounts instead.
public struct RedReference: Hashable, Sendable {
    /// Why it is reversed: one of the profile's reasons (开票有误, 销货退回, 服务中止, 销售折让).
    public var reason: String
    /// The red confirmation number (红字确认单, 20 digits; 红字信息表, 16 digits), when the profile asks for one.
    public var confirmation: String?
    /// The original's 发票代码 (legacy types).
    public var originalCode: String?
    /// The original's issue date.
    public var originalIssueDate: CalendarDate?
    /// The original's amounts, given when it was issued elsewhere (not in this journal).
    public var originalNet: Money?
    public var originalTax: Money?
    public var originalGross: Money?

    public init(
        reason: String,
        confirmation: String? = nil,
        originalCode: String? = nil,
        originalIssueDate: CalendarDate? = nil,
        originalNet: Money? = nil,
        originalTax: Money? = nil,
        originalGross: Money? = nil
    ) {
        self.reason = reason
        self.confirmation = confirmation
        self.originalCode = originalCode
        self.originalIssueDate = originalIssueDate
        self.originalNet = originalNet
        self.originalTax = originalTax
        self.originalGross = originalGross
    }

    /// The input fields that carry it, in the order messages and CSV files use.
    public static let fields = [
        "redReason", "redConfirmation", "originalCode", "originalIssueDate", "originalNet", "originalTax",
        "originalGross",
    ]
}
