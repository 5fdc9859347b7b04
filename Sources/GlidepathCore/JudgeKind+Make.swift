extension JudgeKind {
    /// The judge this kind names.
    package func makeJudge() -> any Judge {
        switch self {
        case .threshold: ThresholdJudge()
        case .sequential: SequentialJudge()
        }
    }
}
