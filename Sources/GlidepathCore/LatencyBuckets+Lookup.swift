extension LatencyBuckets {
    /// A constant-time bucket index for the ingest path (every line has a latency and maybe a time to
    /// first token; a binary search over 55 bounds is a chain of six dependent loads and compares).
    ///
    /// A positive double's exponent and the top 4 bits of its mantissa split each binade into 16 cells
    /// whose ends differ by at most 1/16, while neighbouring bounds differ by at least 1.18×: a cell holds
    /// at most one bound. `lookupTable[cell]` is the bucket of the cell's lower end `L`, so the bucket of
    /// any value `v` in the cell is that index, or the next when its bound is below `v`.
    /// Values below 2^-11 s are in bucket 0 (the first bound is 1 ms), values of 2^7 s and more in `+Inf`.
    enum Lookup {
        // Literals, so the hot path reads constants rather than lazily initialised globals.
        static let minExponent = -11
        static let maxExponent = 6
        static let cellsPerBinade = 16
        /// (maxExponent − minExponent + 1) × cellsPerBinade.
        static let cellCount = 288

        /// The first bucket of each cell (`UInt8`: 56 buckets).
        static let table: [UInt8] = (0..<cellCount).map { cell in
            let exponent = minExponent + cell / cellsPerBinade
            let lower = Double(sign: .plus, exponent: exponent,
                               significand: 1 + Double(cell % cellsPerBinade) / Double(cellsPerBinade))
            return UInt8(LatencyBuckets.index(ofSeconds: lower))
        }

        /// The bounds followed by `+Inf`, so the "next bucket" check never reads past the end.
        static let guardedBounds: [Double] = LatencyBuckets.bounds + [.infinity]

        /// The bucket of `seconds` (finite, ≥ 0, as the line parser guarantees) over copies of `table` and
        /// `guardedBounds` the caller keeps. Equal to `LatencyBuckets.index(ofSeconds:)`.
        @inline(__always)
        static func index(ofSeconds seconds: Double, table: UnsafePointer<UInt8>, bounds: UnsafePointer<Double>) -> Int {
            let bits = seconds.bitPattern
            let exponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF) - 1023
            if exponent < minExponent { return 0 }
            if exponent > maxExponent { return Int(table[cellCount - 1]) }  // [120, 128) s: the +Inf bucket
            let cell = (exponent - minExponent) * cellsPerBinade + Int(truncatingIfNeeded: (bits >> 48) & 0xF)
            let first = Int(table[cell])
            return first + (bounds[first] < seconds ? 1 : 0)
        }
    }
}
