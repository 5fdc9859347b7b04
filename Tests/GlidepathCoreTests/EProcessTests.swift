import Testing
@testable import GlidepathCore

/// The e-process arithmetic against values worked out by hand (Python, `math.log`/`math.exp`,
/// straight from `π(r) = w·r / (w·r + 1 − w)` and the binomial likelihood).
@Suite struct EProcessTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    struct RatioTick: Sendable {
        var nc: UInt64, ec: UInt64, nb: UInt64, eb: UInt64
        var logL: [Double]
        var e: Double
    }

    // Null r0 = 1, alternatives 2 and 5. Tick 1: w = 0.1, 3 candidate and 9 baseline errors;
    // tick 2: w = 0.5, 2 and 1; tick 3: the candidate saw nothing (w = 0); tick 4: no bad event.
    static let rollbackTicks = [
        RatioTick(nc: 100, ec: 3, nb: 900, eb: 9, logL: [0.9357193840279363, 0.7906468978477443], e: 2.3769344007396307),
        RatioTick(nc: 50, ec: 2, nb: 50, eb: 1, logL: [1.1056184208233337, 0.7136858567116158], e: 2.5312971449770645),
        RatioTick(nc: 0, ec: 0, nb: 10, eb: 1, logL: [1.1056184208233337, 0.7136858567116158], e: 2.5312971449770645),
        RatioTick(nc: 10, ec: 0, nb: 10, eb: 0, logL: [1.1056184208233337, 0.7136858567116158], e: 2.5312971449770645),
    ]

    @Test("rollback e-process, tick by tick")
    func rollbackByHand() {
        var e = RatioEProcess(null: 1, alternatives: [2, 5])
        #expect(e.eValue == 1)
        for t in Self.rollbackTicks {
            e.update(candidateTrials: t.nc, candidateEvents: t.ec, baselineTrials: t.nb, baselineEvents: t.eb)
            #expect(zip(e.logL, t.logL).allSatisfy { Self.close($0, $1) }, "\(e.logL) vs \(t.logL)")
            #expect(Self.close(e.eValue, t.e))
        }
    }

    @Test("safety e-process against r_bad = 2 with alternatives 0.5, 1, 1.5")
    func safetyByHand() {
        var e = RatioEProcess(null: 2, alternatives: [0.5, 1, 1.5])
        e.update(candidateTrials: 100, candidateEvents: 1, baselineTrials: 900, baselineEvents: 12)
        #expect(zip(e.logL, [0.5195508033744898, 0.5458851568962787, 0.3170781308018269]).allSatisfy { Self.close($0, $1) })
        #expect(Self.close(e.eValue, 1.593505905110549))
        e.update(candidateTrials: 500, candidateEvents: 5, baselineTrials: 500, baselineEvents: 6)
        #expect(zip(e.logL, [1.2126979839344347, 1.5402654432863598, 0.884204893276423]).allSatisfy { Self.close($0, $1) })
        #expect(Self.close(e.eValue, 3.48314392065409))
    }

    @Test("absolute limit: one-sample binomial above 5%")
    func binomialAbove() {
        var e = BinomialEProcess.above(0.05)
        #expect(zip(e.alternatives, [0.075, 0.1, 0.15, 0.25, 0.5]).allSatisfy { Self.close($0, $1, 1e-12) })
        e.update(trials: 100, events: 12)
        #expect(Self.close(e.eValue, 15.525251249162176, 1e-8))
        e.update(trials: 100, events: 9)
        #expect(zip(e.logL, [3.741151042564604, 4.8780581843794995, 3.16146937730014, -8.515395112381137,
                             -66.5375586719837]).allSatisfy { Self.close($0, $1, 1e-8) })
        #expect(Self.close(e.eValue, 39.4254479799739, 1e-8))
        e.update(trials: 0, events: 0)
        #expect(Self.close(e.eValue, 39.4254479799739, 1e-8))
    }

    @Test("alternatives of a high limit are capped below 1 and deduplicated")
    func binomialCap() {
        #expect(BinomialEProcess.above(0.2).alternatives.map { ($0 * 1000).rounded() / 1000 } == [0.3, 0.4, 0.6])
    }

    @Test("safety floor: one-sample binomial below 1%")
    func binomialBelow() {
        var e = BinomialEProcess.below(0.01)
        #expect(zip(e.alternatives, [0.001, 0.0025, 0.005, 0.0075]).allSatisfy { Self.close($0, $1, 1e-15) })
        e.update(trials: 200, events: 0)
        #expect(Self.close(e.eValue, 3.757342332057519, 1e-9))
        e.update(trials: 300, events: 1)
        #expect(Self.close(e.eValue, 7.191101361190435, 1e-9))
    }

    @Test("log-mean-exp and weighted sums stay finite for huge and dead alternatives")
    func logSums() {
        #expect(Self.close(EProcess.logMeanExp([0, 0]), 0))
        #expect(Self.close(EProcess.logMeanExp([1000, 1000]), 1000))
        #expect(Self.close(EProcess.logMeanExp([2, -Double.infinity]), 2 - 0.6931471805599453))
        #expect(Self.close(EProcess.logWeightedSum([0, 0], weights: [0.5, 0.5]), 0))
        #expect(Self.close(EProcess.logWeightedSum([800, 0], weights: [0.25, 0.75]), 800 - 1.3862943611198906))
    }
}
