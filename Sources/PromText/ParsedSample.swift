/// A sample line as the parser hands it to the assembler: the sample and the hashes of its identity.
struct ParsedSample {
    var sample: Sample
    /// Order-independent hash of the name and every label pair (the series).
    var seriesHash: UInt64
    /// Order-independent hash of the label pairs other than `le` (the histogram series).
    var seriesHashWithoutLe: UInt64
}
