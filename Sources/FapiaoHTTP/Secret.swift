import AsyncHTTPClient
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A string that never shows itself: not in `description`, `debugDescription` or `dump`.
struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String
    init(_ value: String) { self.value = value }
    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: []) }
}
