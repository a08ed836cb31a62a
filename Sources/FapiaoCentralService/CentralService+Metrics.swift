import FapiaoCentralStore
import FapiaoCore
import Foundation
import Hummingbird
import NIOCore

extension CentralService {
    /// `GET /metrics`: the Prometheus text format, for HQ's token (branch names and their state
    /// are HQ's business); the per-branch gauges are read from the store at each scrape.
    func metricsPage(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        try requireHQ(caller, to: "read the metrics")
        let overviews = try await storeCall("list the branches") { try await store.branchOverviews() }
        metrics.record(overviews, now: now())
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.text()))
        )
    }
}
