import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// The sync lease: one job pushes at a time, and a job whose lease was taken over is fenced off (DESIGN §5).
@Suite struct SyncLeaseTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
    }

    static func alive(_ owner: String) -> Bool { true }
    static func dead(_ owner: String) -> Bool { false }

    @Test func aHeldLeaseIsRefusedToAnotherOwnerNamingTheHolder() throws {
        let held = try journal.acquireSyncLease(owner: "host-a/100/aaaa", duration: .seconds(120), isAlive: Self.alive)
        #expect(held.owner == "host-a/100/aaaa")
        #expect(held.epoch == 1)
        #expect(held.expiresAt == harness.clock.now.adding(.seconds(120)))
        let holderBefore = try #require(try journal.syncLeaseHolder())

        let error = try #require(
            journalError {
                try journal.acquireSyncLease(owner: "host-b/200/bbbb", duration: .seconds(120), isAlive: Self.alive)
            }
        )
        #expect(error.code == .leaseHeld)
        #expect(error.message.contains("host-a/100/aaaa"))

        let holderAfter = try #require(try journal.syncLeaseHolder())
        #expect(holderAfter.owner == holderBefore.owner)
        #expect(holderAfter.expiresAt == holderBefore.expiresAt)
        // The refused job wrote nothing: the holder can still use its lease.
        #expect(try journal.renewSyncLease(held, duration: .seconds(120)).epoch == 1)
    }

    @Test func anExpiredLeaseCanBeTaken() throws {
        let first = try journal.acquireSyncLease(owner: "host-a/100/aaaa", duration: .seconds(60), isAlive: Self.alive)
        harness.clock.advance(byMilliseconds: 59_999)
        #expect(journalError { try journal.acquireSyncLease(owner: "b", duration: .seconds(60)) }?.code == .leaseHeld)
        harness.clock.advance(byMilliseconds: 1)
        #expect(try journal.syncLeaseHolder() == nil)

        let second = try journal.acquireSyncLease(owner: "b", duration: .seconds(60), isAlive: Self.alive)
        #expect(second.epoch == first.epoch + 1)
        #expect(try journal.syncLeaseHolder()?.owner == "b")
    }

    @Test func aHolderWhoseProcessIsGoneIsTakenOverAtOnce() throws {
        let first = try journal.acquireSyncLease(owner: "host-a/100/aaaa", duration: .seconds(600))
        var asked: [String] = []
        let second = try journal.acquireSyncLease(owner: "host-a/200/bbbb", duration: .seconds(600)) { holder in
            asked.append(holder)
            return false
        }
        #expect(asked == ["host-a/100/aaaa"])
        #expect(second.epoch == first.epoch + 1)
        #expect(try journal.syncLeaseHolder()?.owner == "host-a/200/bbbb")
    }

    @Test func aHolderOnThisHostWhoseProcessExitedIsNotAlive() throws {
        let host = ProcessInfo.processInfo.hostName
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exit 0"]
        try child.run()
        child.waitUntilExit()
        let gone = "\(host)/\(child.processIdentifier)/cafe0001"

        #expect(!LeaseOwner.isAlive(gone))
        #expect(LeaseOwner.isAlive(LeaseOwner.current()))
        #expect(LeaseOwner.isAlive("another-host.example/\(child.processIdentifier)/cafe0001"))
        #expect(LeaseOwner.isAlive("not an owner name"))

        _ = try journal.acquireSyncLease(owner: gone, duration: .seconds(600), isAlive: Self.alive)
        let taken = try journal.acquireSyncLease(owner: LeaseOwner.current(), duration: .seconds(600))
        #expect(taken.epoch == 2)
    }

    @Test func epochsIncreaseWithEveryAcquisition() throws {
        var epochs: [Int64] = []
        for owner in ["a", "b", "b", "c"] {
            let lease = try journal.acquireSyncLease(owner: owner, duration: .seconds(60), isAlive: Self.dead)
            epochs.append(lease.epoch)
        }
        let released = try journal.acquireSyncLease(owner: "d", duration: .seconds(60), isAlive: Self.dead)
        try journal.releaseSyncLease(released)
        epochs.append(try journal.acquireSyncLease(owner: "e", duration: .seconds(60), isAlive: Self.alive).epoch)
        #expect(epochs == [1, 2, 3, 4, 6])
    }

    @Test func aWriterWithAnOldLeaseIsFencedOff() throws {
        try journal.capture(harness.input(), options: JournalHarness.options)
        let old = try journal.acquireSyncLease(owner: "old", duration: .seconds(60), isAlive: Self.alive)
        let items = try journal.outboxBatch(after: 0, limit: 10)
        try journal.markInFlight(items, lease: old, actor: "sync")
        harness.clock.advance(byMilliseconds: 60_000)
        let current = try journal.acquireSyncLease(owner: "new", duration: .seconds(60), isAlive: Self.alive)
        let auditBefore = try journal.auditEntries()
        let item = try #require(items.first)

        #expect(journalError { try journal.markInFlight(items, lease: old, actor: "sync") }?.code == .leaseLost)
        #expect(
            journalError { try journal.record([(item, .answered(.accepted))], lease: old, actor: "sync") }?.code
                == .leaseLost
        )
        #expect(journalError { try journal.renewSyncLease(old, duration: .seconds(60)) }?.code == .leaseLost)
        #expect(try journal.auditEntries() == auditBefore)
        #expect(try journal.operations(of: item.operation.invoiceID).first?.status == "inFlight")

        // The same owner taking the lease again fences off its own earlier lease.
        let again = try journal.acquireSyncLease(owner: current.owner, duration: .seconds(60), isAlive: Self.alive)
        #expect(again.epoch == current.epoch + 1)
        #expect(journalError { try journal.markInFlight(items, lease: current, actor: "sync") }?.code == .leaseLost)

        try journal.record([(item, .answered(.accepted))], lease: again, actor: "sync")
        #expect(try journal.operations(of: item.operation.invoiceID).first?.status == "accepted")
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func releaseLetsAnotherJobAcquireAtOnce() throws {
        let held = try journal.acquireSyncLease(owner: "a", duration: .seconds(600), isAlive: Self.alive)
        try journal.releaseSyncLease(held)
        #expect(try journal.syncLeaseHolder() == nil)
        #expect(journalError { try journal.renewSyncLease(held, duration: .seconds(60)) }?.code == .leaseLost)

        let next = try journal.acquireSyncLease(owner: "b", duration: .seconds(600), isAlive: Self.alive)
        #expect(next.epoch == held.epoch + 1)
    }

    @Test func releasingALeaseThatWasTakenOverLeavesTheNewHolderAlone() throws {
        let old = try journal.acquireSyncLease(owner: "a", duration: .seconds(60), isAlive: Self.alive)
        harness.clock.advance(byMilliseconds: 60_000)
        let current = try journal.acquireSyncLease(owner: "b", duration: .seconds(60), isAlive: Self.alive)
        try journal.releaseSyncLease(old)
        #expect(try journal.syncLeaseHolder()?.owner == "b")
        #expect(try journal.renewSyncLease(current, duration: .seconds(60)).epoch == current.epoch)
    }

    @Test func renewingExtendsTheLeaseFromNow() throws {
        let held = try journal.acquireSyncLease(owner: "a", duration: .seconds(60), isAlive: Self.alive)
        harness.clock.advance(byMilliseconds: 45_000)
        let renewed = try journal.renewSyncLease(held, duration: .seconds(60))
        #expect(renewed.expiresAt == harness.clock.now.adding(.seconds(60)))
        harness.clock.advance(byMilliseconds: 30_000)
        #expect(try journal.syncLeaseHolder()?.owner == "a")
        #expect(journalError { try journal.acquireSyncLease(owner: "b", duration: .seconds(60)) }?.code == .leaseHeld)
    }
}
