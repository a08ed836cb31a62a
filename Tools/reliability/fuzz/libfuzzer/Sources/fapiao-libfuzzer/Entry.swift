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
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    selected.run([UInt8](UnsafeBufferPointer(start: start, count: count)))
    return 0
}

/// libFuzzer's own driver, started from a Swift entry point: SwiftPM links an executable's
/// `main` to its module's entry point, so libFuzzer's `main` is never pulled in; this calls the
/// driver it would have run.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum FuzzerMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOne))
    }
}
