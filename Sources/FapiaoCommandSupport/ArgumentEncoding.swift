import FapiaoCore
import Foundation

/// Refuses command-line arguments that are not UTF-8 before anything parses them.
///
/// Swift reads `argv` with repair: a buyer's name typed in a GBK terminal would reach the
/// journal as replacement characters, a legal record made garbage without a word. Text enters
/// the journal only as UTF-8; an argument that is not is refused with exit 65 (data error),
/// naming the argument (and the option it is the value of).
public enum ArgumentEncoding {
    /// The one-sentence refusal for the first argument that is not UTF-8, or `nil` when all are.
    public static func refusal(_ arguments: [[UInt8]]) -> String? {
        for (index, bytes) in arguments.enumerated().dropFirst() {
            guard let offset = JSONValue.firstInvalidUTF8(in: bytes) else { continue }
            let previous = index > 1 ? String(decoding: arguments[index - 1], as: UTF8.self) : ""
            var which =
                previous.hasPrefix("--") && !previous.contains("=")
                ? "the value of \(previous) (argument \(index))" : "argument \(index)"
            // `--buyer-name=VALUE`: the option is in the argument itself, before the bad byte.
            if bytes.starts(with: Array("--".utf8)), let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
                equals < offset
            {
                which = "the value of \(String(decoding: bytes[..<equals], as: UTF8.self)) (argument \(index))"
            }
            return "\(which) is not UTF-8 text (byte \(offset + 1) is not; GBK or another legacy encoding?): "
                + "switch the terminal to UTF-8 and type it again; nothing was changed."
        }
        return nil
    }

    /// This process's arguments, as the bytes it was given.
    public static var processArguments: [[UInt8]] {
        (0..<Int(CommandLine.argc)).map { index in
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeBufferPointer(start: argument, count: strlen(argument))).map { UInt8(bitPattern: $0) }
        }
    }

    /// Exits 65 with the refusal when an argument of this process is not UTF-8.
    public static func refuseNonUTF8Arguments(program: String) {
        guard let refusal = refusal(processArguments) else { return }
        FileHandle.standardError.write(utf8: "\(program): \(refusal)\n")
        exit(ExitCodes.invalidData)
    }
}
