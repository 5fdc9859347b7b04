import Foundation

extension GlidepathShim {
    /// One rule of the weights document's `overrides`: requests it matches go to `arm` whatever the weights,
    /// and are reported as forced (`forced=1`), outside the judge's evidence.
    public struct OverrideRule: Sendable, Equatable {
        /// The role a matching request is sent to.
        public enum Role: String, Sendable, Equatable { case baseline, candidate }

        public enum Match: Sendable, Equatable {
            /// The request's key is one of these.
            case keys(Set<String>)
            /// The attribute `header:<name>` (name lower-case; attribute names compared case-insensitively) equals the value.
            case header(name: String, equals: String)
            /// The attribute `cookie:<name>` (exact name) equals the value.
            case cookie(name: String, equals: String)
            /// The attribute `segment` is one of these.
            case segment(Set<String>)
        }

        public var match: Match
        public var arm: Role
        /// Keeps forcing the candidate while rolled back or paused (testers).
        public var evenWhenRolledBack: Bool

        public init(match: Match, arm: Role, evenWhenRolledBack: Bool = false) {
            self.match = match
            self.arm = arm
            self.evenWhenRolledBack = evenWhenRolledBack
        }

        /// Whether a request with `key` and `attributes` matches (ignoring the state).
        func matches(key: String?, attributes: [String: String]) -> Bool {
            switch match {
            case .keys(let keys): return key.map(keys.contains) ?? false
            case .cookie(let name, let value): return attributes["cookie:" + name] == value
            case .segment(let names): return attributes["segment"].map(names.contains) ?? false
            case .header(let name, let value):
                let wanted = "header:" + name
                if let v = attributes[wanted] { return v == value }
                return attributes.contains { $0.key.count == wanted.count && $0.key.lowercased() == wanted && $0.value == value }
            }
        }
    }

    /// Where one request goes, and whether an override rule forced it there.
    public struct Route: Sendable, Equatable, CustomStringConvertible {
        public var arm: String
        /// Report the outcome with `record(..., forced: true)` (`call` does): it is then left out of the evidence.
        public var forced: Bool

        public init(arm: String, forced: Bool) {
            self.arm = arm
            self.forced = forced
        }

        public var description: String { forced ? arm + " (forced)" : arm }
    }
}

/// Reads the weights document's `overrides` (absent: no rules). A malformed rule refuses the whole
/// document, its message naming `overrides[i]`; members of a rule the shim does not know are ignored.
enum OverrideRulesReader {
    static func read(_ body: Data) -> Result<[GlidepathShim.OverrideRule], WeightsRejection> {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let value = object["overrides"] else { return .success([]) }
        guard let list = value as? [Any] else { return .failure(WeightsRejection("overrides must be an array of rules")) }
        var rules: [GlidepathShim.OverrideRule] = []
        for (i, element) in list.enumerated() {
            let path = "overrides[\(i)]"
            guard let rule = element as? [String: Any] else { return .failure(WeightsRejection("\(path) must be an object")) }
            switch readRule(rule, path: path) {
            case .success(let r): rules.append(r)
            case .failure(let e): return .failure(e)
            }
        }
        return .success(rules)
    }

    static func readRule(_ rule: [String: Any], path: String) -> Result<GlidepathShim.OverrideRule, WeightsRejection> {
        func fail(_ message: String) -> Result<GlidepathShim.OverrideRule, WeightsRejection> {
            .failure(WeightsRejection(path + message))
        }
        guard let armText = rule["arm"] as? String, let arm = GlidepathShim.OverrideRule.Role(rawValue: armText) else {
            return fail(#".arm must be "baseline" or "candidate""#)
        }
        var even = false
        if let v = rule["evenWhenRolledBack"] {
            guard let n = v as? NSNumber, isBoolean(n) else { return fail(".evenWhenRolledBack must be true or false") }
            even = n.boolValue
        }
        let match: GlidepathShim.OverrideRule.Match
        switch (rule["keys"], rule["attribute"]) {
        case (nil, nil): return fail(#" needs "keys" or "attribute""#)
        case (.some, .some): return fail(#" has both "keys" and "attribute""#)
        case (let keys?, nil):
            guard let list = strings(keys) else { return fail(".keys must be a non-empty array of strings") }
            match = .keys(Set(list))
        case (nil, let attribute?):
            guard let text = attribute as? String else { return fail(".attribute must be a string") }
            if text == "segment" {
                guard let list = strings(rule["in"]) else { return fail(".in must be a non-empty array of strings") }
                match = .segment(Set(list))
            } else if text.hasPrefix("header:") || text.hasPrefix("cookie:"), text.count > 7 {
                guard let value = rule["equals"] as? String else { return fail(".equals must be a string") }
                let name = String(text.dropFirst(7))
                match = text.hasPrefix("header:") ? .header(name: name.lowercased(), equals: value)
                    : .cookie(name: name, equals: value)
            } else {
                return fail(#".attribute must be "header:<name>", "cookie:<name>" or "segment""#)
            }
        }
        return .success(GlidepathShim.OverrideRule(match: match, arm: arm, evenWhenRolledBack: even))
    }

    static func strings(_ value: Any?) -> [String]? {
        guard let list = value as? [Any], !list.isEmpty else { return nil }
        let out = list.compactMap { $0 as? String }
        return out.count == list.count ? out : nil
    }

    /// JSONSerialization gives `true`/`false` and numbers alike as NSNumber; only a JSON boolean has the
    /// type `c` (a JSON `1` is `q`).
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}
