import Glibc
import GlidepathSimulator

/// How a simulated provider answers: a share of errors and a lognormal latency fitted to a p50 and a p99
/// (the simulator's `LatencyModel.fitted`). Pure: the random draws come from the caller's generator.
package struct ProviderBehaviour: Equatable, Sendable {
    /// The arm name the demo's policies use for this provider.
    package var name: String
    /// Share of answers that are errors, 0...1.
    package var errorRate: Double
    package var p50Milliseconds: Double
    package var p99Milliseconds: Double

    /// No answer takes longer than this (a lognormal's far tail would stall a demo worker).
    package static let maximumMilliseconds = 2000.0

    /// One answer: the status to send and how long to wait before sending it.
    package struct Answer: Equatable, Sendable {
        package var status: Int
        package var milliseconds: Double
    }

    package init(name: String, errorRate: Double, p50Milliseconds: Double, p99Milliseconds: Double) {
        self.name = name
        self.errorRate = errorRate
        self.p50Milliseconds = p50Milliseconds
        self.p99Milliseconds = p99Milliseconds
    }

    /// σ of ln(latency): ln(p99 / p50) / Φ⁻¹(0.99).
    package var sigma: Double {
        LatencyModel.fitted(p50Seconds: p50Milliseconds / 1000, p99Seconds: p99Milliseconds / 1000).components[0].sigma
    }

    /// Draws one answer: an error with probability `errorRate` (503 mostly, some 500 and 429, as a provider
    /// under strain answers), else 200; the latency from the lognormal, capped at `maximumMilliseconds`.
    package func answer(_ random: inout Xoshiro256) -> Answer {
        let u = random.uniform()
        let status: Int
        if u < errorRate {
            let which = u / errorRate
            status = which < 0.6 ? 503 : which < 0.85 ? 500 : 429
        } else {
            status = 200
        }
        let ms = p50Milliseconds * exp(sigma * random.normal())
        return Answer(status: status, milliseconds: min(Self.maximumMilliseconds, ms))
    }

    /// `1.0% errors, p50 20 ms, p99 80 ms`.
    package var summary: String {
        "\(Self.percent(errorRate)) errors, p50 \(Int(p50Milliseconds.rounded())) ms, p99 \(Int(p99Milliseconds.rounded())) ms"
    }

    static func percent(_ share: Double) -> String {
        let p = share * 100
        return p == p.rounded() ? "\(Int(p))%" : "\((p * 10).rounded() / 10)%"
    }
}
