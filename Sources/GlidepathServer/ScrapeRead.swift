import GlidepathCore
import HTTPServer
import PromText

/// One read of a `scrape` source for one migration: every target fetched at once, each parsed with the
/// strict text-format parser, the mapped series picked out and summed through the migration's
/// `ScrapeAccumulator`.
///
/// No data (a hold) when no target answered usable metrics, or none of those that did has a request
/// series for either arm; otherwise counts, with a note saying how many targets answered.
package enum ScrapeRead {
    /// A target's answer is at most this long.
    package static let maxBodyBytes = 16 << 20

    package static func read(targets: [String], extraction: MappedExtraction, timeout: Double,
                             into accumulator: inout ScrapeAccumulator) -> MetricsReading {
        let answers = ParallelGet.run(targets, timeout: timeout, maxBytes: maxBodyBytes)
        let parsed = zip(targets, answers).map { url, answer -> (url: String, families: Result<[MetricFamily], SourceDataError>) in
            switch answer {
            case .failure(let error): return (url, .failure(SourceDataError(error.plain)))
            case .success(let response):
                guard response.status == 200 else { return (url, .failure(SourceDataError("answered HTTP \(response.status)"))) }
                do {
                    return (url, .success(try PromTextParser.parse(response.text)))
                } catch {
                    return (url, .failure(SourceDataError("unparseable metrics: \(error)")))
                }
            }
        }
        return combine(parsed, extraction: extraction, into: &accumulator)
    }

    /// The pure part of a read: parsed answers (or why a target failed) into a reading.
    package static func combine(_ answers: [(url: String, families: Result<[MetricFamily], SourceDataError>)],
                                extraction: MappedExtraction, into accumulator: inout ScrapeAccumulator) -> MetricsReading {
        var down: [(String, String)] = []
        var up: [(String, MappedExtraction.Result)] = []
        for (url, families) in answers {
            do {
                up.append((url, try extraction.extract(try families.get())))
            } catch {
                down.append((url, error.message))
            }
        }
        let what = answers.count == 1 ? "scrape \(answers[0].url)" : "scrape of \(answers.count) targets"
        guard !up.isEmpty else {
            let reasons = down.map { answers.count == 1 ? $0.1 : "\($0.0): \($0.1)" }.prefix(4).joined(separator: "; ")
            return .failed("metrics source \(what): \(reasons)")
        }
        guard up.contains(where: { $0.1.sawRequests }) else {
            let m = extraction.mapping
            let arm = m.requests.armLabel ?? m.armLabel
            return .failed("metrics source \(what): no series \(m.requests.metric){\(arm)=~\"\(extraction.baseline)|"
                           + "\(extraction.candidate)\"} in the answer")
        }
        var foreign: Set<Double> = []
        for (url, result) in up {
            accumulator.add(target: url, result.vector)
            foreign.formUnion(result.foreignBounds)
        }
        var note = answers.count == 1 ? "metrics: \(what): up"
            : "metrics: \(what): \(up.count) up, \(down.count) down"
        if let (url, why) = down.first { note += " (\(url): \(why))" }
        if !foreign.isEmpty { note += "; " + BucketConversion.precisionNote(foreign) }
        return .counts(accumulator.total.armPair(latency: extraction.mapping.latency != nil,
                                                 ttft: extraction.mapping.ttft != nil), note: note)
    }
}
