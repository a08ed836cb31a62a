import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The HTTP API end to end: the real service on a socket, the real client.
@Suite struct CentralServiceTests {
    @Test func aPushIsAcceptedAndItsReplayIsADuplicate() async throws {
        try await ServiceHarness.run { harness in
            let remote = try harness.remote()
            let operations = [try harness.create(1), try harness.create(2)]

            let first = try await remote.push(operations, branch: ServiceHarness.branch)
            #expect(first == operations.map { OperationOutcome(operationID: $0.id, outcome: .accepted) })
            let replay = try await remote.push(operations, branch: ServiceHarness.branch)
            #expect(replay.map(\.outcome) == [.duplicate, .duplicate])
            #expect(try await harness.store.invoiceCount() == 2)
        }
    }

    @Test func healthNeedsNoTokenAndCountsInvoices() async throws {
        try await ServiceHarness.run { harness in
            _ = try await harness.remote().push([try harness.create(1)], branch: ServiceHarness.branch)

            let report = try await harness.remote(as: nil).health()
            #expect(report == HealthReport(status: "ok", node: "central", store: "memory", invoices: 1))
        }
    }

    @Test func lookupFindsABranchsOwnInvoicesOnly() async throws {
        try await ServiceHarness.run { harness in
            let mine = try harness.create(1)
            let theirs = try harness.create(2, branch: ServiceHarness.otherBranch)
            _ = try await harness.remote().push([mine], branch: ServiceHarness.branch)
            _ = try await harness.remote(as: ServiceHarness.otherBranch).push(
                [theirs],
                branch: ServiceHarness.otherBranch
            )
            let unknown = SequentialIDSource.id(99)

            let lookup = try await harness.remote().lookup([mine.invoiceID, theirs.invoiceID, unknown])
            #expect(lookup.found == [RemoteVersion(invoice: mine.invoice, clock: mine.clock)])
            #expect(Set(lookup.missing) == [theirs.invoiceID, unknown])

            let hqLookup = try await harness.remote(as: ServiceHarness.hq).lookup([mine.invoiceID, theirs.invoiceID])
            #expect(hqLookup.found.count == 2)

            #expect(
                try await harness.remote().invoice(mine.invoiceID)
                    == RemoteVersion(invoice: mine.invoice, clock: mine.clock)
            )
            #expect(try await harness.remote().invoice(theirs.invoiceID) == nil)
            #expect(try await harness.remote().invoice(unknown) == nil)
        }
    }

    @Test func hqAmendsAndVoidsAndTheBranchSeesTheChanges() async throws {
        try await ServiceHarness.run { harness in
            let branch = try harness.remote()
            let hq = try harness.remote(as: ServiceHarness.hq)
            let first = try harness.create(1)
            let second = try harness.create(2)
            _ = try await branch.push([first, second], branch: ServiceHarness.branch)
            #expect(try await branch.changes(branch: ServiceHarness.branch, since: 0, limit: 10).changes.isEmpty)

            let amended = try await hq.amend(first.invoiceID, fields: ["note": "checked by HQ"], actor: "王芳")
            #expect(amended.invoice.note == "checked by HQ")
            #expect(amended.clock == VectorClock([ServiceHarness.branch: 1, "central": 1]))
            let voided = try await hq.void(second.invoiceID, reason: "issued twice")
            #expect(voided.invoice.void?.reason == "issued twice")
            #expect(voided.invoice.void?.by == "central")

            let page = try await branch.changes(branch: ServiceHarness.branch, since: 0, limit: 1)
            #expect(page.changes.map(\.version) == [amended])
            #expect(page.changes.first?.changedBy == "central")
            #expect(page.hasMore)
            let next = try await branch.changes(branch: ServiceHarness.branch, since: page.cursor, limit: 10)
            #expect(next.changes.map(\.version) == [voided])
            #expect(!next.hasMore)

            let again = await remoteFailure { try await hq.void(second.invoiceID, reason: "again") }
            #expect(again?.kind == .protocolViolation)
            #expect(again?.message.contains("422") == true)
            let missing = await remoteFailure { try await hq.amend(SequentialIDSource.id(77), fields: ["note": "x"]) }
            #expect(missing?.kind == .protocolViolation)
            #expect(missing?.message.contains("404") == true)
        }
    }

    @Test func aMissingOrUnknownTokenIsRefused() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            for remote in [try harness.remote(as: nil), try harness.remote(token: TokenRegistry.generateToken())] {
                let push = await remoteFailure { try await remote.push([operation], branch: ServiceHarness.branch) }
                #expect(push?.kind == .authenticationRefused)
                #expect(push?.message.contains(harness.url) == true)
                let lookup = await remoteFailure { try await remote.lookup([operation.invoiceID]) }
                #expect(lookup?.kind == .authenticationRefused)
            }
            #expect(try await harness.store.invoiceCount() == 0)
        }
    }

    @Test func aBranchPushingAnotherBranchsInvoiceIsRefusedWhole() async throws {
        try await ServiceHarness.run { harness in
            let remote = try harness.remote()
            let batch = [try harness.create(1), try harness.create(2, branch: ServiceHarness.otherBranch)]

            let refused = await remoteFailure { try await remote.push(batch, branch: ServiceHarness.branch) }
            #expect(refused?.kind == .forbidden)
            let impersonating = await remoteFailure {
                try await remote.push(
                    [try harness.create(3, branch: ServiceHarness.otherBranch)],
                    branch: ServiceHarness.otherBranch
                )
            }
            #expect(impersonating?.kind == .forbidden)
            #expect(try await harness.store.invoiceCount() == 0)
        }
    }

    @Test func aBranchCannotUseHQEndpointsOrReadAnotherBranchsChanges() async throws {
        try await ServiceHarness.run { harness in
            let remote = try harness.remote()
            let operation = try harness.create(1)
            _ = try await remote.push([operation], branch: ServiceHarness.branch)

            #expect(
                await remoteFailure { try await remote.void(operation.invoiceID, reason: "no") }?.kind == .forbidden
            )
            #expect(
                await remoteFailure { try await remote.amend(operation.invoiceID, fields: ["note": "x"]) }?.kind
                    == .forbidden
            )
            let changes = await remoteFailure {
                try await remote.changes(branch: ServiceHarness.otherBranch, since: 0, limit: 5)
            }
            #expect(changes?.kind == .forbidden)
            #expect(try await harness.store.lookup([operation.invoiceID]).found.first?.invoice.void == nil)
            let hqChanges = try await harness.remote(as: ServiceHarness.hq)
                .changes(branch: ServiceHarness.otherBranch, since: 0, limit: 5)
            #expect(hqChanges.changes.isEmpty)
        }
    }

    @Test func theWholeScopeListsTheBranchsOwnInvoicesOverHTTP() async throws {
        try await ServiceHarness.run { harness in
            let branch = try harness.remote()
            let operations = [try harness.create(1), try harness.create(2)]
            let theirs = try harness.create(3, branch: ServiceHarness.otherBranch)
            _ = try await branch.push(operations, branch: ServiceHarness.branch)
            _ = try await harness.remote(as: ServiceHarness.otherBranch).push(
                [theirs],
                branch: ServiceHarness.otherBranch
            )
            let own = operations.map { RemoteVersion(invoice: $0.invoice, clock: $0.clock) }

            let all = try await branch.changes(branch: ServiceHarness.branch, since: 0, limit: 10, scope: .all)
            #expect(all.changes.map(\.version) == own)
            #expect(all.changes.map(\.changedBy) == [ServiceHarness.branch, ServiceHarness.branch])
            #expect(!all.hasMore)
            let first = try await branch.changes(branch: ServiceHarness.branch, since: 0, limit: 1, scope: .all)
            #expect(first.changes.map(\.version) == [own[0]])
            #expect(first.hasMore)
            let rest = try await branch.changes(
                branch: ServiceHarness.branch,
                since: first.cursor,
                limit: 10,
                scope: .all
            )
            #expect(rest.changes.map(\.version) == [own[1]])
            #expect(!rest.hasMore)
            #expect(
                try await branch.changes(branch: ServiceHarness.branch, since: 0, limit: 10, scope: .elsewhere)
                    .changes.isEmpty
            )
            let hq = try await harness.remote(as: ServiceHarness.hq)
                .changes(branch: ServiceHarness.otherBranch, since: 0, limit: 10, scope: .all)
            #expect(hq.changes.map(\.version) == [RemoteVersion(invoice: theirs.invoice, clock: theirs.clock)])
            let forbidden = await remoteFailure {
                try await branch.changes(branch: ServiceHarness.otherBranch, since: 0, limit: 10, scope: .all)
            }
            #expect(forbidden?.kind == .forbidden)

            // On the wire: `scope=all` and `scope=elsewhere` are read, anything else is a 400.
            let port = harness.running.address.port
            let token = harness.tokens[ServiceHarness.branch]
            let raw = try await RawHTTP.exchange(
                port: port,
                "GET",
                "/v1/branches/bj-01/changes?scope=all",
                token: token
            )
            #expect(raw.status == 200)
            #expect(try ChangePage(json: try JSONValue.parse(raw.body)) == all)
            let explicit = try await RawHTTP.exchange(
                port: port,
                "GET",
                "/v1/branches/bj-01/changes?since=0&scope=elsewhere",
                token: token
            )
            #expect(explicit.status == 200)
            #expect(try ChangePage(json: try JSONValue.parse(explicit.body)).changes.isEmpty)
            for bad in ["everything", "ALL", ""] {
                let reply = try await RawHTTP.exchange(
                    port: port,
                    "GET",
                    "/v1/branches/bj-01/changes?scope=\(bad)",
                    token: token
                )
                #expect(reply.status == 400)
                let error = try WireObject(try JSONValue.parse(reply.body), context: "reply").string("error")
                #expect(error == "scope must be elsewhere (the default) or all.")
            }
        }
    }

    @Test func malformedItemsAreRejectedAndTheOthersApplied() async throws {
        try await ServiceHarness.run { harness in
            let good = try harness.create(1)
            let tampered = try harness.create(2)
            guard case .object(var members) = WireFormat.encode(tampered) else {
                Issue.record("an operation encodes as an object")
                return
            }
            members["hash"] = .string(String(repeating: "0", count: 64))
            let body = CanonicalJSON.object([
                "branch": .string(ServiceHarness.branch),
                "operations": .array([WireFormat.encode(good), .object(members), .string("not an operation")]),
            ])

            let reply = try await RawHTTP.exchange(
                port: harness.running.address.port,
                "POST",
                "/v1/push",
                token: harness.tokens[ServiceHarness.branch],
                body: body.bytes
            )
            #expect(reply.status == 200)
            let outcomes = try WireFormat.outcomes(from: try JSONValue.parse(reply.body))
            #expect(outcomes.count == 3)
            #expect(outcomes.first == OperationOutcome(operationID: good.id, outcome: .accepted))
            #expect(outcomes[1].operationID == tampered.id)
            #expect(outcomes[1].outcome.name == "rejected")
            #expect(outcomes[2].outcome.name == "rejected")
            #expect(try await harness.store.invoiceCount() == 1)
        }
    }

    @Test func errorsAreOneSentenceInJSON() async throws {
        try await ServiceHarness.run { harness in
            let port = harness.running.address.port
            let token = harness.tokens[ServiceHarness.branch]

            let notJSON = try await RawHTTP.exchange(
                port: port,
                "POST",
                "/v1/push",
                token: token,
                body: Array("{".utf8)
            )
            #expect(notJSON.status == 400)
            let unknown = try await RawHTTP.exchange(port: port, "GET", "/v1/nothing-here", token: token)
            #expect(unknown.status == 404)
            let badLimit = try await RawHTTP.exchange(
                port: port,
                "GET",
                "/v1/branches/bj-01/changes?limit=0",
                token: token
            )
            #expect(badLimit.status == 400)
            for reply in [notJSON, unknown, badLimit] {
                let json = try JSONValue.parse(reply.body)
                let error = try WireObject(json, context: "reply").string("error")
                #expect(error.hasSuffix("."))
                #expect(!error.contains("\n"))
            }
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await ServiceHarness.run(limits: CentralService.Limits(maximumBodySize: 512)) { harness in
            let failure = await remoteFailure {
                try await harness.remote().push([try harness.create(1)], branch: ServiceHarness.branch)
            }
            #expect(failure?.kind == .protocolViolation)
            #expect(failure?.message.contains("413") == true)
            let count = try await harness.store.invoiceCount()
            #expect(count == 0)
        }
    }

    @Test func anUnavailableStoreIs503WithRetryAfter() async throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-service-tests")
        let path = directory.file("tokens")
        let token = try TokenRegistry.addToken(for: "bj-01", toFileAt: path)
        let service = CentralService(
            store: FailingCentralStore(CentralStoreError(.unavailable, "the disk is full")),
            tokens: try TokenRegistry.load(path: path),
            limits: CentralService.Limits(unavailableRetryAfter: 7),
            logger: LogCapture().logger("central")
        )
        let operation = try ServiceHarness.sampleOperation()
        let running = try await service.start()
        let remote = try HTTPRemote(baseURL: running.url, token: token)

        let failure = await remoteFailure { try await remote.push([operation], branch: "bj-01") }
        #expect(failure?.kind == .busy)
        #expect(failure?.retryAfter == .seconds(7))
        #expect(await remoteFailure { try await remote.health() }?.kind == .busy)
        await remote.shutdown()
        await running.stop()
    }
}

/// The centre survives its clients: every request is bounded, and a request past a bound is
/// answered 4xx naming it, with nothing applied and the service still up.
@Suite struct ServiceLimitsTests {
    static func post(_ harness: ServiceHarness, _ body: String) async throws -> RawHTTP.Reply {
        let port = try #require(URL(string: harness.url)?.port)
        return try await RawHTTP.exchange(
            port: port,
            "POST",
            "/v1/push",
            token: harness.tokens[ServiceHarness.branch],
            body: Array(body.utf8)
        )
    }

    @Test func anObjectWithTooManyMembersIs400NamingTheLimit() async throws {
        try await ServiceHarness.run { harness in
            let members = (0..<5_000).map { "\"k\($0)\":1" }.joined(separator: ",")
            let reply = try await Self.post(harness, #"{"branch":"bj-01","operations":[{\#(members)}]}"#)
            #expect(reply.status == 400)
            #expect(reply.body.contains("at most 1000 members"))
            #expect(try await harness.remote().health().isHealthy)
        }
    }

    @Test func aStringOverOneMebibyteIs400NamingTheLimit() async throws {
        try await ServiceHarness.run { harness in
            let long = String(repeating: "发", count: 400_000)
            let reply = try await Self.post(harness, #"{"branch":"bj-01","operations":[],"note":"\#(long)"}"#)
            #expect(reply.status == 400)
            #expect(reply.body.contains("string of at most 1048576 bytes"))
        }
    }

    @Test func tooManyOperationsIs413BeforeAnyIsRead() async throws {
        try await ServiceHarness.run(limits: CentralService.Limits(maximumOperationsPerPush: 3)) { harness in
            let operations = try (1...4).map { WireFormat.encode(try harness.create(UInt64($0))).text }
            let reply = try await Self.post(
                harness,
                #"{"branch":"bj-01","operations":[\#(operations.joined(separator: ","))]}"#
            )
            #expect(reply.status == 413)
            #expect(reply.body.contains("at most 3 per push"))
            #expect(try await harness.store.invoiceCount() == 0)
            let three = try (1...3).map { try harness.create(UInt64($0)) }
            let outcomes = try await harness.remote().push(three, branch: ServiceHarness.branch)
            #expect(outcomes.map(\.outcome) == [.accepted, .accepted, .accepted])
        }
    }

    @Test func aDocumentOfMoreValuesThanTheLimitIs400NamingTheLimit() async throws {
        // A body of zeros costs the parser some fifteen times its size: the values are counted.
        let limits = CentralService.Limits(document: JSONValue.Limits(maximumDepth: 32, maximumValues: 1_000))
        try await ServiceHarness.run(limits: limits) { harness in
            let zeros = Array(repeating: "0", count: 1_000).joined(separator: ",")
            let reply = try await Self.post(harness, #"{"branch":"bj-01","operations":[[\#(zeros)]]}"#)
            #expect(reply.status == 400)
            #expect(reply.body.contains("at most 1000 values in the document"))
            let outcomes = try await harness.remote().push([try harness.create(1)], branch: ServiceHarness.branch)
            #expect(outcomes.map(\.outcome) == [.accepted])
        }
    }

    @Test func aBodyPastTheBytesInFlightIs503WithRetryAfterUntilTheOthersEnd() async throws {
        let limits = CentralService.Limits(maximumBodySize: 4_096, maximumBodyBytesInFlight: 4_096)
        try await ServiceHarness.run(limits: limits) { harness in
            let port = try #require(URL(string: harness.url)?.port)
            let token = harness.tokens[ServiceHarness.branch]
            // A client that sends 3,500 of the 4,000 bytes it announced, and stalls.
            let startStalled = {
                try await RawHTTP.startPost(
                    port: port,
                    "/v1/push",
                    token: token,
                    declaredLength: 4_000,
                    partialBody: Array(repeating: UInt8(ascii: " "), count: 3_500)
                )
            }
            var stalled = try await startStalled()
            let push = #"{"branch":"bj-01","operations":[]}"# + String(repeating: " ", count: 965)
            var busy: RawHTTP.Reply?
            for _ in 0..<100 where busy == nil {
                let reply = try await Self.post(harness, push)
                if reply.status == 503 {
                    busy = reply
                    continue
                }
                // A push read while the stalled body was still arriving holds bytes too, and then
                // the stalled request is the one refused: start it again.
                if RawHTTP.hasAnswered(stalled) {
                    RawHTTP.finish(stalled)
                    stalled = try await startStalled()
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let reply = try #require(busy, "a 1,000-byte body was never refused while 3,500 bytes were held")
            #expect(reply.header("Retry-After") == "1")
            #expect(reply.body.contains("try again later"))
            #expect(try await harness.store.invoiceCount() == 0)

            RawHTTP.finish(stalled)
            var status: Int?
            for _ in 0..<100 where status != 200 {
                status = try await Self.post(harness, push).status
                if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == 200)
        }
    }

    @Test func nestingDeeperThanTheLimitIs400() async throws {
        try await ServiceHarness.run { harness in
            let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            let reply = try await Self.post(harness, #"{"branch":"bj-01","operations":\#(deep)}"#)
            #expect(reply.status == 400)
            #expect(reply.body.contains("levels of nesting"))
        }
    }
}
