import Testing
@testable import GlidepathSimulator

@Suite struct RandomTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(g.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func sameSeedSameStreamOtherSeedOtherStream() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42), c = Xoshiro256(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        let sb = (0..<8).map { _ in b.next() }
        let sc = (0..<8).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func uniformsStayInTheUnitInterval() {
        var g = Xoshiro256(seed: 7)
        for _ in 0..<10_000 {
            let u = g.uniform(), o = g.uniformOpen()
            #expect(u >= 0 && u < 1)
            #expect(o > 0 && o < 1)
        }
    }

    @Test func mixAndStableHashAreStable() {
        #expect(SplitMix64.stableHash("") == 0xCBF2_9CE4_8422_2325)
        #expect(SplitMix64.stableHash("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(SplitMix64.mix([1, 2, 3]) == SplitMix64.mix([1, 2, 3]))
        #expect(SplitMix64.mix([1, 2, 3]) != SplitMix64.mix([1, 2, 4]))
    }

    /// Mean and variance of 20,000 draws within 4 standard errors of λ (fixed seed, so not flaky).
    @Test(arguments: [0.05, 0.7, 3.0, 9.9, 10.0, 42.0, 500.0, 12_000.0])
    func poissonMeanAndVariance(mean: Double) {
        var g = Xoshiro256(seed: 2026)
        let n = 20_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let k = Double(g.poisson(mean))
            sum += k
            sumSq += k * k
        }
        let m = sum / Double(n)
        let v = sumSq / Double(n) - m * m
        #expect(abs(m - mean) < 4 * (mean / Double(n)).squareRoot())
        // The sample variance's standard error is about λ·sqrt(2/n) for large λ (plus λ/√n for small).
        #expect(abs(v - mean) < 4 * (mean * (2 / Double(n)).squareRoot() + (mean / Double(n)).squareRoot()))
    }

    @Test func poissonOfZeroOrLessIsZero() {
        var g = Xoshiro256(seed: 1)
        #expect(g.poisson(0) == 0)
        #expect(g.poisson(-3) == 0)
    }

    @Test(arguments: [(10 as UInt64, 0.3), (200, 0.01), (5000, 0.01), (100_000, 0.2), (50, 0.9)])
    func binomialMean(trials: UInt64, p: Double) {
        var g = Xoshiro256(seed: 99)
        let n = 20_000
        var sum = 0.0
        for _ in 0..<n {
            let k = g.binomial(trials, p)
            #expect(k <= trials)
            sum += Double(k)
        }
        let mean = Double(trials) * p
        let sd = (mean * (1 - p)).squareRoot()
        #expect(abs(sum / Double(n) - mean) < 4 * sd / Double(n).squareRoot())
    }
}
