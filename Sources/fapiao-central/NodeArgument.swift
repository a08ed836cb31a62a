import ArgumentParser
import FapiaoCore

/// Refuses a branch name that breaks ``NodeName``'s rule before the store is opened, as a
/// usage error naming the argument: no branch can have such a name.
func checkBranchName(_ name: String, field: String) throws {
    do {
        try NodeName.validate(name, field: field)
    } catch {
        throw ValidationError(error.message)
    }
}
