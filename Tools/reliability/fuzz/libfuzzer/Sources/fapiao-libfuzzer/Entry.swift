import FapiaoFuzzing
import Foundation

/// The target named by FAPIAO_FUZZ_TARGET (see `fapiao-fuzz --list`), chosen once.
let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["FAPIAO_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.named(name) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        fatalError("FAPIAO_FUZZ_TARGET must be one of \(names), not \"\(name)\"")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    selected.run([UInt8](UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
