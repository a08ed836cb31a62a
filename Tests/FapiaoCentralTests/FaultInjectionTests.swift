import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// Every injected fault, as the client meets it, and what it leaves in the store.
@Suite struct FaultInjectionTests {
    @Test func aDroppedReplyIsInDoubtButTheBatchLandedAndItsReplayIsADuplicate() async throws {
        try await ServiceHarness.run { harness in
            let remote = try harness.remote()
            let operations = [try harness.create(1), try harness.create(2)]
            harness.faults.script([.dropReply])

            let failure = await remoteFailure { try await remote.push(operations, branch: ServiceHarness.branch) }
            #expect(failure?.kind == .inDoubt)
            #expect(failure?.mayHaveApplied == true)
            #expect(failure?.message.contains("500") == false)
            #expect(try await harness.store.invoiceCount() == 2)

            let replay = try await remote.push(operations, branch: ServiceHarness.branch)
            #expect(replay.map(\.outcome) == [.duplicate, .duplicate])
        }
    }

    @Test func aDroppedReplySendsNoByteAtAll() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            harness.faults.script([.dropReply])

            let reply = try await RawHTTP.exchange(
                port: harness.running.address.port,
                "POST",
                "/v1/push",
                token: harness.tokens[ServiceHarness.branch],
                body: WireFormat.pushRequest(branch: ServiceHarness.branch, operations: [operation]).bytes
            )
            #expect(
                reply.bytes.isEmpty,
                "expected the connection to close with no reply, got \(reply.bytes.count) bytes"
            )
            #expect(try await harness.store.lookup([operation.invoiceID]).found.count == 1)
        }
    }

    @Test func aRefusedPushIsATransportErrorAndNothingIsApplied() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            harness.faults.script([.refuse, .refuse])

            let failure = await remoteFailure {
                try await harness.remote().push([operation], branch: ServiceHarness.branch)
            }
            #expect(failure?.kind == .inDoubt)
            #expect(failure?.message.contains("500") == false)
            let reply = try await RawHTTP.exchange(
                port: harness.running.address.port,
                "POST",
                "/v1/push",
                token: harness.tokens[ServiceHarness.branch],
                body: WireFormat.pushRequest(branch: ServiceHarness.branch, operations: [operation]).bytes
            )
            #expect(reply.bytes.isEmpty)
            #expect(try await harness.store.invoiceCount() == 0)

            #expect(
                try await harness.remote().push([operation], branch: ServiceHarness.branch).map(\.outcome) == [
                    .accepted
                ]
            )
        }
    }

    @Test func a503IsBusyWithRetryAfterAndNothingIsApplied() async throws {
        try await ServiceHarness.run { harness in
            harness.faults.script([.http503(retryAfter: 3), .http503(retryAfter: nil)])
            let remote = try harness.remote()

            let first = await remoteFailure {
                try await remote.push([try harness.create(1)], branch: ServiceHarness.branch)
            }
            #expect(first?.kind == .busy)
            #expect(first?.retryAfter == .seconds(3))
            #expect(first?.mayHaveApplied == false)
            let second = await remoteFailure {
                try await remote.push([try harness.create(1)], branch: ServiceHarness.branch)
            }
            #expect(second?.kind == .busy)
            #expect(second?.retryAfter == nil)
            #expect(try await harness.store.invoiceCount() == 0)
        }
    }

    @Test func a500IsInDoubtAndNamesTheStatus() async throws {
        try await ServiceHarness.run { harness in
            harness.faults.script([.http500])

            let failure = await remoteFailure {
                try await harness.remote().push([try harness.create(1)], branch: ServiceHarness.branch)
            }
            #expect(failure?.kind == .inDoubt)
            #expect(failure?.message.contains("500") == true)
            let count = try await harness.store.invoiceCount()
            #expect(count == 0)
        }
    }

    @Test func aPartialBatchAnswersTheFirstHalfOnly() async throws {
        try await ServiceHarness.run { harness in
            let operations = try (1...5).map { try harness.create($0) }
            harness.faults.script([.partial])

            let outcomes = try await harness.remote().push(operations, branch: ServiceHarness.branch)
            #expect(outcomes == operations.prefix(2).map { OperationOutcome(operationID: $0.id, outcome: .accepted) })
            #expect(try await harness.store.invoiceCount() == 2)
            let rest = try await harness.remote().push(Array(operations.dropFirst(2)), branch: ServiceHarness.branch)
            #expect(rest.map(\.outcome) == [.accepted, .accepted, .accepted])
        }
    }

    @Test func aDelayedPushStillSucceeds() async throws {
        try await ServiceHarness.run { harness in
            harness.faults.script([.delay(.milliseconds(20))])
            let outcomes = try await harness.remote().push([try harness.create(1)], branch: ServiceHarness.branch)
            #expect(outcomes.map(\.outcome) == [.accepted])
            #expect(harness.faults.pendingScript.isEmpty)
        }
    }

    @Test func aReadTimeoutIsInDoubt() async throws {
        try await ServiceHarness.run { harness in
            harness.faults.script([.delay(.seconds(30))])
            let remote = try harness.remote(timeouts: HTTPRemote.Timeouts(read: .milliseconds(200)))

            let failure = await remoteFailure {
                try await remote.push([try harness.create(1)], branch: ServiceHarness.branch)
            }
            #expect(failure?.kind == .inDoubt)
        }
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func aClosedPortIsUnreachable(host: String) async throws {
        let port = try RawHTTP.closedPort()
        let operation = try ServiceHarness.sampleOperation()
        let remote = try HTTPRemote(baseURL: "http://\(host):\(port)", token: "t")
        let push = await remoteFailure { try await remote.push([operation], branch: "bj-01") }
        #expect(push?.kind == .unreachable)
        #expect(push?.mayHaveApplied == false)
        #expect(push?.message.contains("\(host):\(port)") == true)
        #expect(await remoteFailure { try await remote.health() }?.kind == .unreachable)
        await remote.shutdown()
    }

    @Test func randomFaultsFollowTheSeed() throws {
        let spec = "drop-reply=0.3,http503=0.1,retry-after=2,partial=0.2,refuse=0.1,seed=7"
        let first = try FaultPlan(spec: spec)
        let second = try FaultPlan(spec: spec)
        let draws = (0..<200).map { _ in first.nextPush() }
        #expect(draws == (0..<200).map { _ in second.nextPush() })
        let faults = draws.map(\.fault)
        #expect(faults.contains(nil))
        for fault in [FaultPlan.Fault.dropReply, .http503(retryAfter: 2), .partial, .refuse] {
            #expect(faults.contains(fault))
        }
        #expect(!faults.contains(.http500))

        let other = try FaultPlan(spec: spec.replacingOccurrences(of: "seed=7", with: "seed=8"))
        #expect((0..<200).map { _ in other.nextPush() } != draws)
    }

    @Test func scriptedFaultsComeFirstAndInOrder() throws {
        let plan = try FaultPlan(spec: "delay=5ms")
        plan.script([.dropReply, .delay(.milliseconds(10)), .http503(retryAfter: 1)])
        #expect(plan.nextPush() == FaultPlan.Injection(delay: .milliseconds(5), fault: .dropReply))
        #expect(plan.nextPush() == FaultPlan.Injection(delay: .milliseconds(15), fault: nil))
        #expect(plan.nextPush() == FaultPlan.Injection(delay: .milliseconds(5), fault: .http503(retryAfter: 1)))
        #expect(plan.nextPush() == FaultPlan.Injection(delay: .milliseconds(5), fault: nil))
        plan.clear()
        #expect(plan.nextPush() == FaultPlan.Injection())
    }

    @Test func theSpecificationRoundTrips() throws {
        let settings = try FaultPlan.Settings(spec: "drop-reply=0.3, http503=0.1,retry-after=2,delay=200ms,seed=7")
        #expect(settings.dropReply == 0.3)
        #expect(settings.http503 == 0.1)
        #expect(settings.retryAfter == 2)
        #expect(settings.delay == .milliseconds(200))
        #expect(settings.seed == 7)
        #expect(try FaultPlan.Settings(spec: settings.spec) == settings)
        #expect(try FaultPlan.Settings(spec: "") == .none)
        #expect(try FaultPlan.Settings(spec: "none") == .none)
        #expect(try FaultPlan.Settings(spec: "delay=1.5s").delay == .milliseconds(1500))
    }

    @Test(arguments: [
        "drop-reply=2", "refuse=-0.1", "refuse=0.6,http500=0.6", "explode=0.1", "delay=200", "seed=-1", "refuse",
        "refuse=0.1,refuse=0.2", "retry-after=soon",
    ])
    func aBadSpecificationIsRefusedWithAReason(spec: String) {
        let failure = serviceFailure { try FaultPlan.Settings(spec: spec) }
        #expect(failure?.code == .invalidFaultSpec)
        #expect(failure?.message.hasPrefix("The fault specification is not valid: ") == true)
    }
}
