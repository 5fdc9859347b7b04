import GlidepathCore
import PromText

/// Picks a migration's series out of someone else's metrics (one scraped target) by the policy's
/// `metrics` mapping: metric name, the arm label's value (the policy's baseline or candidate name), the
/// mapping's `labels` and each reference's own matchers. Every matching series is summed per arm.
package struct MappedExtraction: Sendable {
    package var mapping: MetricsMapping
    package var custom: [CounterRef]
    package var baseline: String
    package var candidate: String

    package init(mapping: MetricsMapping, custom: [CounterRef] = [], baseline: String, candidate: String) {
        self.mapping = mapping
        self.custom = custom
        self.baseline = baseline
        self.candidate = candidate
    }

    /// What one target holds for this migration.
    package struct Result: Sendable {
        package var vector: SourceVector
        /// True when a request series of either arm was present.
        package var sawRequests: Bool
        /// Foreign histogram bounds (with `+Inf`) when some are not glidepath's; empty when exact.
        package var foreignBounds: Set<Double>
    }

    /// The arm `s` belongs to under `ref`, if it is one of this migration's series.
    func arm(of s: Sample, _ ref: CounterRef, extra: [LabelMatcher] = []) -> Arm? {
        guard let value = s.label(ref.armLabel ?? mapping.armLabel) else { return nil }
        let arm: Arm
        if value == baseline { arm = .baseline } else if value == candidate { arm = .candidate } else { return nil }
        for m in mapping.matchers + ref.matchers + extra where s.label(m.name) != m.value { return nil }
        return arm
    }

    package func extract(_ families: [MetricFamily]) throws(SourceDataError) -> Result {
        var v = SourceVector(customCount: custom.count)
        var sawRequests = false
        var foreign: Set<Double> = []
        var exact = true
        // Histogram series (labels except `le`) → cumulative (le, count) pairs.
        var latencySeries: [Arm: [String: [(le: Double, count: Double)]]] = [:]
        var ttftSeries: [Arm: [String: [(le: Double, count: Double)]]] = [:]
        let req = mapping.requests

        for family in families {
            for s in family.samples {
                if s.name == req.metric, let arm = arm(of: s, req) {
                    sawRequests = true
                    let value = try Self.count(s)
                    v[arm, .requests] += value
                    if !mapping.errorMatchers.isEmpty, self.arm(of: s, req, extra: mapping.errorMatchers) != nil {
                        v[arm, .errors] += value
                    }
                }
                if let t = mapping.tokens, s.name == t.metric, let arm = arm(of: s, t) {
                    v[arm, .tokens] += try Self.count(s)
                }
                for (i, ref) in custom.enumerated() where s.name == ref.metric {
                    if let arm = arm(of: s, ref) { v.values[v.customOffset(arm) + i] += try Self.count(s) }
                }
                for (ref, sumField, isTTFT) in [(mapping.latency, SourceVector.Field.latencySum, false),
                                                (mapping.ttft, .ttftSum, true)] {
                    guard let ref else { continue }
                    if s.name == ref.metric + "_sum", let arm = arm(of: s, ref) {
                        guard s.value.isFinite, s.value >= 0 else {
                            throw SourceDataError("\(Self.describe(s)) is \(PromFloat.format(s.value)), expected a "
                                                  + "finite sum of seconds ≥ 0")
                        }
                        v[arm, sumField] += s.value
                    } else if s.name == ref.metric + "_bucket", let arm = arm(of: s, ref) {
                        guard let text = s.label("le"), let le = PromFloat.parse(text), !le.isNaN else {
                            throw SourceDataError("\(Self.describe(s)) has no valid le label")
                        }
                        let key = s.labels.filter { $0.name != "le" }.sorted { $0.name < $1.name }
                            .map { "\($0.name)=\($0.value)" }.joined(separator: "\u{1}")
                        if isTTFT { ttftSeries[arm, default: [:]][key, default: []].append((le, s.value)) } else {
                            latencySeries[arm, default: [:]][key, default: []].append((le, s.value))
                        }
                    }
                }
            }
        }
        for (series, isTTFT) in [(latencySeries, false), (ttftSeries, true)] {
            for (arm, bySeries) in series {
                let base = isTTFT ? v.ttftOffset(arm) : v.latencyOffset(arm)
                for key in bySeries.keys.sorted() {
                    let pairs = bySeries[key] ?? []
                    let converted: (buckets: [Double], exact: Bool)
                    do { converted = try BucketConversion.convert(pairs) } catch {
                        let name = (isTTFT ? mapping.ttft : mapping.latency)?.metric ?? ""
                        throw SourceDataError("\(name)_bucket for arm \(jsonQuoted(arm == .baseline ? baseline : candidate)): "
                                              + error.message)
                    }
                    if !converted.exact {
                        exact = false
                        for p in pairs { foreign.insert(p.le) }
                    }
                    for i in converted.buckets.indices { v.values[base + i] += converted.buckets[i] }
                }
            }
        }
        return Result(vector: v, sawRequests: sawRequests, foreignBounds: exact ? [] : foreign)
    }

    /// A sample's value as a count: finite and at least 0.
    static func count(_ s: Sample) throws(SourceDataError) -> Double {
        guard s.value.isFinite, s.value >= 0, s.value < 0x1p63 else {
            throw SourceDataError("\(describe(s)) is \(PromFloat.format(s.value)), expected a count ≥ 0")
        }
        return s.value
    }

    static func describe(_ s: Sample) -> String {
        "\(s.name){\(s.labels.map { "\($0.name)=\(jsonQuoted($0.value))" }.joined(separator: ","))}"
    }
}
