extension AdminClient {
    /// The full status (`GET /v1/migrations/{name}`) of `name`, or of every migration in the list's order.
    package func statuses(_ name: String?) throws(ClientError) -> [[String: Any]] {
        if let name {
            return [try call("GET", "/v1/migrations/\(Self.escape(name))") as? [String: Any] ?? [:]]
        }
        var statuses: [[String: Any]] = []
        let list = try call("GET", "/v1/migrations") as? [[String: Any]] ?? []
        for item in list {
            guard let n = item["migration"] as? String else { continue }
            statuses.append(try call("GET", "/v1/migrations/\(Self.escape(n))") as? [String: Any] ?? [:])
        }
        return statuses
    }
}
