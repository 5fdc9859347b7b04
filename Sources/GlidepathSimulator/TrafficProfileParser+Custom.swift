import GlidepathCore

extension TrafficProfileParser {
    /// An arm's `custom`: per `guards.custom` entry, in the policy's order, the share 0…1 of requests that
    /// are bad events; at most `PolicyParser.maxCustomGuards`.
    static func customBad(_ value: JSONValue, path: String, _ ctx: inout ProfileContext) -> [Double]? {
        guard let elements = value.elements else {
            ctx.report(path, "expected an array of bad-event shares, one per guards.custom entry, found "
                       + value.typeName, at: value.position)
            return nil
        }
        guard elements.count <= PolicyParser.maxCustomGuards else {
            ctx.report(path, "must have at most \(PolicyParser.maxCustomGuards) shares, found \(elements.count)",
                       at: value.position)
            return nil
        }
        var out: [Double] = []
        for (i, element) in elements.enumerated() {
            guard let p = ctx.number(element, path: "\(path)[\(i)]", must: "from 0 to 1", { $0 >= 0 && $0 <= 1 }) else {
                return nil
            }
            out.append(p)
        }
        return out
    }
}
