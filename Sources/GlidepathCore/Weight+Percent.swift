extension Weight {
    /// A percentage written as a JSON number (`12.5`, `0`, `100`, `1.5e1`): 0...100 with at most two
    /// decimals, else nil. The operator's `set-weight` weight; the policy parser reads step weights the same way.
    package init?(percentText text: String) {
        guard let value = try? JSONParser.parse(text), value.numberText != nil,
              let bp = PolicyParser.basisPoints(percentText: text), (0...10_000).contains(bp) else { return nil }
        self.init(basisPoints: bp)
    }

}
