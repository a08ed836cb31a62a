import Foundation

/// SIGTERM and SIGINT ask the running sync to stop after its batch; a second signal exits at once.
final class StopSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0

    init(onStop: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let seen = self.lock.withLock {
                    self.count += 1
                    return self.count
                }
                if seen > 1 { exit(130) }
                printNote("stopping after the batch in flight (signal again to exit at once)")
                onStop()
            }
            source.resume()
            sources.append(source)
        }
    }

    var received: Bool { lock.withLock { count > 0 } }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
