import GlidepathCore
import PromText

/// The answer of Prometheus's `/api/v1/query` (an instant vector), read with the project's strict JSON
/// parser: `{"status":"success","data":{"resultType":"vector","result":[{"metric":{…},"value":[t,"v"]}]}}`.
package enum PrometheusAnswer {
    /// At most this many series in one answer.
    package static let maxSeries = 10_000

    package struct Series: Hashable, Sendable {
        package var labels: [String: String]
        package var value: Double
    }

    /// The series of a successful answer; an error status (`{"status":"error","errorType","error"}`), an
    /// HTTP status other than 200, a result that is not a vector, or a malformed value throws, saying which.
    package static func parse(status: Int, body: String) throws(SourceDataError) -> [Series] {
        let root: JSONValue
        do { root = try JSONParser.parse(body) } catch {
            if status != 200 {
                throw SourceDataError("HTTP \(status): \(jsonQuoted(String(body.prefix(200))))")
            }
            throw SourceDataError("answer is not JSON (\(error.description))")
        }
        func field(_ v: JSONValue?, _ key: String) -> JSONValue? { v?.members?.first { $0.key == key }?.value }
        let state = field(root, "status")?.stringValue
        if state == "error" || status != 200 {
            let type = field(root, "errorType")?.stringValue ?? "error"
            let message = field(root, "error")?.stringValue ?? "no message"
            throw SourceDataError("query failed (HTTP \(status), \(type)): \(String(message.prefix(300)))")
        }
        guard state == "success", let data = field(root, "data") else {
            throw SourceDataError("answer has no \"status\": \"success\" and \"data\"")
        }
        guard let type = field(data, "resultType")?.stringValue, type == "vector" else {
            throw SourceDataError("expected a vector result, found \(field(data, "resultType")?.stringValue.map(jsonQuoted) ?? "none")")
        }
        guard let results = field(data, "result")?.elements else { throw SourceDataError("answer has no result list") }
        guard results.count <= maxSeries else {
            throw SourceDataError("answer has \(results.count) series, more than \(maxSeries)")
        }
        var out: [Series] = []
        for (i, r) in results.enumerated() {
            guard let metric = field(r, "metric")?.members, let pair = field(r, "value")?.elements, pair.count == 2,
                  pair[0].numberText != nil, let text = pair[1].stringValue else {
                throw SourceDataError("result[\(i)] is not {\"metric\": {…}, \"value\": [time, \"value\"]}")
            }
            guard let value = PromFloat.parse(text) else {
                throw SourceDataError("result[\(i)] has value \(jsonQuoted(String(text.prefix(40)))), not a Prometheus float")
            }
            var labels: [String: String] = [:]
            for m in metric {
                guard let s = m.value.stringValue else { throw SourceDataError("result[\(i)].metric.\(m.key) is not a string") }
                labels[m.key] = s
            }
            out.append(Series(labels: labels, value: value))
        }
        return out
    }
}
