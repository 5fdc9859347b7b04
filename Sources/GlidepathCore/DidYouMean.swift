/// "Did you mean …?" suggestions for misspelt names (policy keys, commands).
package enum DidYouMean {
    /// The candidate closest to `word`, when it is close enough to be a likely typo.
    ///
    /// Compares case-insensitively and ignores `_` and `-` (so `max_ratio` finds `maxRatio`), using
    /// the optimal-string-alignment distance (a swap of two neighbours counts as one edit). Close
    /// enough: at most one edit per three characters of the candidate, and at least one. Ties go
    /// to the earlier candidate.
    package static func suggestion(for word: String, among candidates: [String]) -> String? {
        let w = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let c = normalized(candidate)
            let d = distance(w, c)
            guard d <= max(1, c.count / 3) else { continue }
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        return best?.candidate
    }

    static func normalized(_ s: String) -> [Unicode.Scalar] {
        Array(s.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
    }

    /// Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions).
    package static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: the transposition rule looks two rows back.
        var older = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d = min(d, older[j - 2] + 1)
                }
                row[j] = d
            }
            (older, previous, row) = (previous, row, older)
        }
        return previous[b.count]
    }
}
