/// Which series a partial render writes: those whose label `label` has one of `values` (for example
/// `migration` in the migrations due this round), in the families named in `families` (every family when
/// nil). Families without that label write nothing.
package struct SeriesSelection: Sendable {
    package let label: String
    package let values: Set<String>
    package let families: Set<String>?
    /// `values` in UTF-8 byte order, the order series render in.
    let ordered: [String]

    package init(label: String, values: some Sequence<String>, families: Set<String>? = nil) {
        self.label = label
        self.values = Set(values)
        self.families = families
        ordered = self.values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
