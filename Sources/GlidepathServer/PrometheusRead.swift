import GlidepathCore
import HTTPServer
import PromText

/// One read of a `prometheus` source for one migration: the `PromQL` plan sent at once, the increases
/// added to the migration's synthetic cumulative counters (kept in memory, `total`).
///
/// All or nothing: a failed query, an unusable answer or an empty request result is no data (a hold) and
/// adds nothing, so the next read's window covers the time again.
package enum PrometheusRead {
    /// One answer is at most this long.
    package static let maxBodyBytes = 8 << 20

    package static func read(url: String, extraction: MappedExtraction, windowMs: Int64, timeout: Double,
                             into total: inout SourceVector) -> MetricsReading {
        let plan = PromQL.plan(extraction.mapping, custom: extraction.custom, windowMs: windowMs)
        let answers = ParallelGet.run(plan.map { $0.url(base: url) }, timeout: timeout, maxBytes: maxBodyBytes)
        let parsed = zip(plan, answers).map { query, answer -> (PromQL, Result<[PrometheusAnswer.Series], SourceDataError>) in
            switch answer {
            case .failure(let error): return (query, .failure(SourceDataError(error.plain)))
            case .success(let r):
                do throws(SourceDataError) { return (query, .success(try PrometheusAnswer.parse(status: r.status, body: r.text))) } catch {
                    return (query, .failure(error))
                }
            }
        }
        return combine(parsed, url: url, extraction: extraction, windowMs: windowMs, into: &total)
    }

    /// The pure part of a read: answers into increases, added to `total`.
    package static func combine(_ answers: [(PromQL, Result<[PrometheusAnswer.Series], SourceDataError>)], url: String,
                                extraction: MappedExtraction, windowMs: Int64,
                                into total: inout SourceVector) -> MetricsReading {
        let what = "metrics source prometheus \(url)"
        var increase = SourceVector(customCount: extraction.custom.count)
        var buckets: [Bool: [Arm: [(le: Double, count: Double)]]] = [:]  // key: is TTFT
        for (query, answer) in answers {
            let series: [PrometheusAnswer.Series]
            switch answer {
            case .failure(let error): return .failed("\(what): \(error.message)")
            case .success(let s): series = s
            }
            var matched = 0
            for s in series {
                guard let name = s.labels[query.armLabel] else { continue }
                let arm: Arm
                if name == extraction.baseline { arm = .baseline } else if name == extraction.candidate { arm = .candidate } else {
                    continue
                }
                guard !s.value.isNaN else { return .failed("\(what): NaN in the answer to \(query.text)") }
                let value = s.value.isFinite ? max(0, s.value) : 0
                matched += 1
                switch query.target {
                case .requests: increase[arm, .requests] += value
                case .errors: increase[arm, .errors] += value
                case .latencySum: increase[arm, .latencySum] += value
                case .ttftSum: increase[arm, .ttftSum] += value
                case .tokens: increase[arm, .tokens] += value
                case .custom(let i): increase.values[increase.customOffset(arm) + i] += value
                case .latencyBuckets, .ttftBuckets:
                    guard let text = s.labels["le"], let le = PromFloat.parse(text), !le.isNaN else {
                        return .failed("\(what): a bucket without a valid le label in the answer to \(query.text)")
                    }
                    buckets[query.target == .ttftBuckets, default: [:]][arm, default: []].append((le, value))
                }
            }
            if query.target == .requests && matched == 0 {
                return .failed("\(what): empty result for \(query.text)")
            }
        }
        var foreign: Set<Double> = []
        for (isTTFT, byArm) in buckets {
            for (arm, pairs) in byArm {
                let converted: (buckets: [Double], exact: Bool)
                do { converted = try BucketConversion.convert(pairs, clampNegative: true) } catch {
                    return .failed("\(what): \(isTTFT ? "ttft" : "latency") buckets: \(error.message)")
                }
                if !converted.exact { foreign.formUnion(pairs.map(\.le)) }
                let base = isTTFT ? increase.ttftOffset(arm) : increase.latencyOffset(arm)
                for i in converted.buckets.indices { increase.values[base + i] += converted.buckets[i] }
            }
        }
        total.add(increase)
        var note = "metrics: prometheus \(url), \(answers.count) \(answers.count == 1 ? "query" : "queries") over "
            + "\(ReasonFormat.duration(milliseconds: windowMs))"
        if !foreign.isEmpty { note += "; " + BucketConversion.precisionNote(foreign) }
        return .counts(total.armPair(latency: extraction.mapping.latency != nil, ttft: extraction.mapping.ttft != nil),
                       note: note)
    }
}
