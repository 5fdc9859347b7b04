import Foundation
import Testing
@testable import GlidepathCore

/// The ingest path's constant-time bucket look-up agrees with the binary search everywhere.
@Suite struct LatencyBucketsLookupTests {
    typealias L = LatencyBuckets.Lookup

    func lookup(_ seconds: Double) -> Int {
        L.table.withUnsafeBufferPointer { t in
            L.guardedBounds.withUnsafeBufferPointer { b in L.index(ofSeconds: seconds, table: t.baseAddress!, bounds: b.baseAddress!) }
        }
    }

    @Test func aCellHoldsAtMostOneBound() {
        #expect(L.cellCount == (L.maxExponent - L.minExponent + 1) * L.cellsPerBinade && L.table.count == L.cellCount)
        let b = LatencyBuckets.bounds
        for i in 1..<b.count { #expect(b[i] / b[i - 1] > 1 + 1 / Double(L.cellsPerBinade)) }
        // Everything below the first cell is in bucket 0, everything past the last in +Inf.
        #expect(b.first! > Double(sign: .plus, exponent: L.minExponent, significand: 1))
        #expect(b.last! < Double(sign: .plus, exponent: L.maxExponent, significand: 1.9375))
    }

    @Test func boundsAndTheirNeighboursLandWhereTheSearchPutsThem() {
        var values: [Double] = [0, .leastNonzeroMagnitude, 0x1p-12, 0x1p-11, (0x1p-11 as Double).nextDown, 120, 127.99, 128, 1e6]
        for b in LatencyBuckets.bounds { values += [b, b.nextUp, b.nextDown, b * 1.01, b * 0.99] }
        for v in values { #expect(lookup(v) == LatencyBuckets.index(ofSeconds: v), "\(v)") }
    }

    @Test func everyCellEdgeAndRandomValuesAgree() {
        var mismatches: [Double] = []
        for cell in 0...L.cellCount {
            let v = Double(sign: .plus, exponent: L.minExponent + cell / 16, significand: 1 + Double(cell % 16) / 16)
            for x in [v, v.nextDown, v.nextUp] where lookup(x) != LatencyBuckets.index(ofSeconds: x) { mismatches.append(x) }
        }
        var state: UInt64 = 9
        for _ in 0..<200_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // Log-uniform from 10 µs to 1,000,000 s: every bucket, every cell.
            let x = 1e-5 * pow(10, 11 * Double(state >> 11) / 0x1p53)
            if lookup(x) != LatencyBuckets.index(ofSeconds: x) { mismatches.append(x) }
        }
        #expect(mismatches.isEmpty)
    }
}
