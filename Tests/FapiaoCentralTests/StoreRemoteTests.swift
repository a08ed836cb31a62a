import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The error `body` throws as a ``RemoteError``, or `nil` when it throws nothing or something else.
private func remoteError<T>(_ body: () async throws -> T) async -> RemoteError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? RemoteError
    }
}

@Suite struct StoreRemoteTests {
    @Test(arguments: StoreFactory.all)
    func itForwardsEveryCallToTheStore(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let remote = StoreRemote(store: fixture.store, endpoint: "\(factory.name):test")
        #expect(remote.endpoint == "\(factory.name):test")
        #expect(
            try await remote.health() == HealthReport(status: "ok", node: "central", store: factory.name, invoices: 0)
        )

        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        let outcomes = try await remote.push([create], branch: CentralFixture.branch)
        #expect(outcomes == [OperationOutcome(operationID: create.id, outcome: .accepted)])
        #expect(try await remote.push([create], branch: CentralFixture.branch).map(\.outcome) == [.duplicate])
        #expect(try await remote.health().invoices == 1)
        #expect(try await remote.lookup([invoice.id]).found == [RemoteVersion(invoice: invoice, clock: create.clock)])

        let voided = try await fixture.edit(invoice, .void(reason: "作废"), operation: 9)
        let page = try await remote.changes(branch: CentralFixture.branch, since: 0, limit: 5)
        #expect(page.changes.map(\.version) == [voided])
        await remote.shutdown()
    }

    @Test func anUnavailableStoreIsBusyWhateverTheCall() async throws {
        let remote = StoreRemote(
            store: FailingCentralStore(CentralStoreError(.unavailable, "disk full")),
            endpoint: "sqlite:/srv/central.sqlite"
        )
        let errors = [
            await remoteError { try await remote.push([StoredOperation](), branch: "bj-01") },
            await remoteError { try await remote.lookup([]) },
            await remoteError { try await remote.changes(branch: "bj-01", since: 0, limit: 1) },
            await remoteError { try await remote.health() },
        ]
        for error in errors {
            #expect(error?.kind == .busy)
            #expect(error?.message.contains("sqlite:/srv/central.sqlite") == true)
            #expect(error?.message.contains("disk full") == true)
            #expect(error?.mayHaveApplied == false)
        }
    }

    @Test func anyOtherFailureOfAPushIsInDoubt() async throws {
        let remote = StoreRemote(
            store: FailingCentralStore(CentralStoreError(.damaged, "the store is damaged")),
            endpoint: "postgres://central/fapiao"
        )
        let push = await remoteError { try await remote.push([StoredOperation](), branch: "bj-01") }
        #expect(push?.kind == .inDoubt)
        #expect(push?.mayHaveApplied == true)
        let lookup = await remoteError { try await remote.lookup([]) }
        #expect(lookup?.kind == .unreachable)
        #expect(lookup?.mayHaveApplied == false)
    }

    @Test func aClosedStoreMakesTheRemoteBusy() async throws {
        let fixture = try await CentralFixture(.sqlite)
        let remote = StoreRemote(store: fixture.store, endpoint: "sqlite:test")
        await remote.shutdown()
        let error = await remoteError {
            try await remote.push([fixture.create(try fixture.invoice(1))], branch: "bj-01")
        }
        #expect(error?.kind == .busy)
        #expect(error?.message.contains("closed") == true)
    }
}
