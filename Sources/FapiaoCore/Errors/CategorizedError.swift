/// An error that says what it means for the user: every public error of the libraries.
public protocol CategorizedError: Error, CustomStringConvertible {
    /// What the failure means; the executables' exit code follows from it.
    var category: ErrorCategory { get }
}
