extension JudgeKind {
    /// The judge this kind names.
    public func makeJudge() -> any Judge {
        switch self {
        case .threshold: ThresholdJudge()
        case .sequential: SequentialJudge()
        }
    }
}
