import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// The audit endpoints over HTTP, through the branch's real adapter: a shipment anchored and
/// read back, a break answered in the state, a push of the broken branch refused 409
/// `chain-break` and read by the adapter as a chain break (exit 79), another branch's audit
/// forbidden.
@Suite struct CentralServiceAnchoringTests {
    @Test func aBrokenChainRefusesPushesAsAChainBreakOverHTTP() async throws {
        try await ServiceHarness.run { harness in
            let remote = try harness.remote()
            var chain = AuditChainBuilder(node: ServiceHarness.branch, clock: ManualClock())
            chain.append(3)
            let anchored = try await remote.anchor(
                chain.shipment(after: try await remote.anchorState(branch: ServiceHarness.branch)),
                branch: ServiceHarness.branch
            )
            #expect(anchored == AnchorState(head: chain.head, epoch: 1))
            #expect(try await remote.anchorState(branch: ServiceHarness.branch) == anchored)

            var fresh = AuditChainBuilder(node: ServiceHarness.branch, clock: ManualClock())
            fresh.append(1)
            let broken = try await remote.anchor(fresh.shipment(after: anchored), branch: ServiceHarness.branch)
            #expect(broken.unacknowledgedBreak?.branchHead == fresh.head)

            do {
                _ = try await remote.push([try harness.create(1)], branch: ServiceHarness.branch)
                Issue.record("a push of a broken branch was taken")
            } catch let error as RemoteError {
                #expect(error.kind == .chainBreak)
                #expect(error.category == .chainBreak)
                #expect(error.message.contains("409"))
            }
            #expect(try await harness.store.invoiceCount() == 0)

            do {
                _ = try await harness.remote(as: ServiceHarness.otherBranch).anchorState(branch: ServiceHarness.branch)
                Issue.record("another branch read this branch's chain")
            } catch let error as RemoteError {
                #expect(error.kind == .forbidden)
            }
            // HQ may read any branch's chain.
            #expect(try await harness.remote(as: ServiceHarness.hq).anchorState(branch: ServiceHarness.branch).isBroken)
        }
    }
}
