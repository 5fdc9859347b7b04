import HTTPServer

extension Router {
    /// The server's head check: decides from the request line and headers alone, before any body byte is
    /// buffered. Unknown paths answer 404, wrong methods 405, missing or wrong tokens 401/403, a declared
    /// body above the endpoint's limit 413 (for a request with a body the server then closes without
    /// reading it). Endpoints whose handlers touch the store run on a worker (`.offload`); the hot ones
    /// (weights, observations, metrics) inline.
    package func head(_ h: HTTPRequestHead) -> HTTPHeadVerdict {
        let r = h.request
        let method = r.method == "HEAD" ? "GET" : r.method
        // The hot path: a bodyless poll of the weights goes straight to the handler.
        if method == "GET", !h.hasBody, Self.weightsName(r.path) != nil { return .inline }
        guard let endpoint = Endpoint.of(r.path) else { return refuse("other", Self.notFound(r.path)) }
        guard endpoint.allows(method) else {
            return refuse(endpoint.template, Self.methodNotAllowed(r.method, allow: endpoint.allow))
        }
        let denied: APIError?
        switch endpoint.access(method) {
        case .open: denied = nil
        case .admin: denied = auth.checkAdmin(r)
        case .ingest: denied = auth.checkIngest(r)
        }
        if let denied { return refuse(endpoint.template, Self.error(denied)) }
        if h.contentLength > endpoint.maxBodyBytes {
            if case .observations = endpoint { controller.metrics.observationsRejected.add(1, labels: ["too_large"]) }
            return refuse(endpoint.template, Self.error(APIError(
                status: 413, message: "the body is \(h.contentLength) bytes; the limit here is \(endpoint.maxBodyBytes)")))
        }
        return endpoint.blocks(method) ? .offload : .inline
    }

    /// An answer given from the head, counted like any other.
    private func refuse(_ template: String, _ response: HTTPResponse) -> HTTPHeadVerdict {
        controller.metrics.httpRequests.add(1, labels: [template, Self.codeText(response.status)])
        return .respond(response)
    }
}
