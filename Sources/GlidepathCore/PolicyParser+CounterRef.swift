/// Series references shared by the `metrics` mapping and `guards.custom`:
/// `{"metric" | "histogram": NAME, "arm"?: LABEL, "labels"?: {LABEL: VALUE, ...}}`.
extension PolicyParser {
    /// At most this many matchers in one `labels` object.
    package static let maxLabelMatchers = 8
    /// Label values are 1 to this many UTF-8 bytes.
    package static let maxLabelValueBytes = 256

    /// A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, at most 200 bytes.
    package static func isMetricName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 200 else { return false }
        for (i, b) in s.utf8.enumerated() {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b == 0x3A
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (i > 0 && digit)) { return false }
        }
        return true
    }

    /// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, at most 100 bytes, not starting with `__`.
    package static func isLabelName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 100, !s.hasPrefix("__") else { return false }
        for (i, b) in s.utf8.enumerated() {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (i > 0 && digit)) { return false }
        }
        return true
    }

    /// Reads a series reference at `path`. `nameKey` is `"metric"` (a counter) or `"histogram"` (a
    /// histogram family, without `_bucket`); keys in `extra` are allowed and left to the caller. Reports
    /// every problem through `c` and returns nil when there was one.
    static func readCounterRef(_ value: JSONValue, path: String, nameKey: String, extra: [String] = [],
                               _ c: inout Context) -> CounterRef? {
        guard let object = c.object(value, path: path, keys: [nameKey, "arm", "labels"] + extra) else { return nil }
        var ok = true
        var metric: String?
        if let v = c.required(object, nameKey), let s = c.string(v, path: object.path(nameKey)) {
            if isMetricName(s) {
                metric = s
            } else {
                c.report(object.path(nameKey), "\(jsonQuoted(s)) is not a Prometheus metric name "
                         + "([a-zA-Z_:][a-zA-Z0-9_:]*, at most 200 bytes)", at: v.position)
                ok = false
            }
        } else {
            ok = false
        }
        var armLabel: String?
        if let v = c.optional(object, "arm") {
            if let s = c.string(v, path: object.path("arm")) {
                if isLabelName(s) { armLabel = s } else {
                    c.report(object.path("arm"), "\(jsonQuoted(s)) is not a label name "
                             + "([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)", at: v.position)
                    ok = false
                }
            } else {
                ok = false
            }
        }
        var matchers: [LabelMatcher] = []
        if let v = c.optional(object, "labels") {
            if let m = readLabelMatchers(v, path: object.path("labels"), &c) { matchers = m } else { ok = false }
        }
        guard ok, let metric else { return nil }
        return CounterRef(metric: metric, armLabel: armLabel, matchers: matchers)
    }

    /// `{LABEL: VALUE, ...}`: at most `maxLabelMatchers` equality matchers, in source order.
    static func readLabelMatchers(_ value: JSONValue, path: String, _ c: inout Context) -> [LabelMatcher]? {
        guard let members = value.members else {
            c.report(path, "expected an object of label names to values, e.g. {\"status\": \"error\"}, "
                     + "found \(value.typeName)", at: value.position)
            return nil
        }
        var ok = true
        if members.count > maxLabelMatchers {
            c.report(path, "must have at most \(maxLabelMatchers) labels, found \(members.count)", at: value.position)
            ok = false
        }
        var out: [LabelMatcher] = []
        for member in members.prefix(maxLabelMatchers) {
            let at = PolicyParser.path(path, key: member.key)
            if !isLabelName(member.key) {
                c.report(at, "\(jsonQuoted(member.key)) is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, "
                         + "not starting with __)", at: member.keyPosition)
                ok = false
                continue
            }
            guard let s = c.string(member.value, path: at) else { ok = false; continue }
            guard !s.isEmpty, s.utf8.count <= maxLabelValueBytes else {
                c.report(at, "must be 1 to \(maxLabelValueBytes) bytes, found \(s.utf8.count)", at: member.value.position)
                ok = false
                continue
            }
            out.append(LabelMatcher(name: member.key, value: s))
        }
        return ok ? out : nil
    }
}
