/// The anytime-valid sequential judge (see the README, "How glidepath decides").
public struct SequentialJudge: Judge {
    public init() {}

    public func assess(_ input: JudgeInput, now: Int64) -> Assessment {
        fatalError("TODO")
    }
}
