/// One problem in a policy: where (a JSON path such as `steps[2].weight`) and what.
package struct PolicyProblem: Hashable, Sendable, CustomStringConvertible {
    package var path: String
    package var message: String
    /// 1-based line in the source, when known.
    package var line: Int?

    package init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in a policy (never just the first), listing at most `maxListed` of them.
///
/// A hostile or generated policy can have any number of problems (20,000 unknown keys): past the
/// first `maxListed` they are only counted (`moreProblems`), so an answer stays small and quick.
package struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// At most this many problems are listed.
    package static let maxListed = 100

    /// The listed problems (at most `maxListed`).
    package var problems: [PolicyProblem]
    /// Problems found beyond those listed.
    package var moreProblems: Int

    package init(problems: [PolicyProblem], moreProblems: Int = 0) {
        self.problems = Array(problems.prefix(Self.maxListed))
        self.moreProblems = moreProblems + max(0, problems.count - Self.maxListed)
    }

    /// Every problem found, listed or not.
    package var count: Int { problems.count + moreProblems }

    /// Adds a problem, listed while fewer than `maxListed` are, else counted.
    package mutating func append(_ problem: PolicyProblem) {
        if problems.count < Self.maxListed { problems.append(problem) } else { moreProblems += 1 }
    }

    /// `… and 19,900 more problems` when some are not listed, else nil.
    package var moreSentence: String? {
        guard moreProblems > 0 else { return nil }
        return "… and \(ReasonFormat.count(moreProblems)) more \(moreProblems == 1 ? "problem" : "problems")"
    }

    /// The one-line summary of a refused policy: `the policy has 2 problems; nothing was stored`, and when
    /// not all are listed, `the policy has 20,000 problems; nothing was stored (the first 100 are listed
    /// … and 19,900 more problems)`.
    package var summary: String {
        let head = "the policy has \(ReasonFormat.count(count)) \(count == 1 ? "problem" : "problems"); nothing was stored"
        guard let more = moreSentence else { return head }
        return "\(head) (the first \(problems.count) are listed \(more))"
    }

    /// One problem a line, then the `… and N more problems` line when some are not listed.
    package var description: String {
        (problems.map(\.description) + (moreSentence.map { [$0] } ?? [])).joined(separator: "\n")
    }
}

/// Parses and validates a policy (JSON text) into a `Policy`, applying every default.
///
/// The one place where policy defaults live. Every problem is reported, each with its JSON path
/// (`steps[2].weight`; the root is `""`) and the line of the offending value (for an unknown key,
/// the key; for a missing key, the object that lacks it). Malformed JSON is one problem at the
/// root whose message starts with `line L, column C:`. An optional key given as `null` means
/// "not given" (its default applies).
package enum PolicyParser {
    /// Top-level keys, in the order the documentation lists them.
    package static let keys = ["migration", "description", "baseline", "candidate", "interval", "pollAfter",
                              "steps", "minRequests", "judge", "maxHold", "onStuck", "noDataAfter", "guards",
                              "sequential", "cost", "breaker", "notify", "overrides",
                              "schedule", "metrics"]
    package static let defaultInterval = TimeSpan.seconds(10)
    package static let defaultPollAfter = TimeSpan.seconds(5)
    package static let minimumInterval = TimeSpan.seconds(1)
    /// `interval` and `pollAfter` are at most an hour: a loop or a poll slower than that is a typo.
    package static let maximumInterval = TimeSpan.hours(1)
    package static let defaultMinRequests = 100
    package static let maxSteps = 50
    package static let defaultJudge = JudgeKind.sequential
    package static let defaultOnStuck = OnStuck.hold

    /// `zones` checks `schedule.timezone` against a tz database (the server passes the system's); without
    /// one only the name's spelling is checked.
    package static func parse(_ source: String, zones: (any TimeZoneResolver)? = nil) -> Result<Policy, PolicyError> {
        let root: JSONValue
        do {
            root = try JSONParser.parse(source)
        } catch {
            return .failure(PolicyError(problems: [PolicyProblem(path: "", message: error.description, line: error.line)]))
        }
        var context = Context()
        context.zones = zones
        let policy = read(root, &context)
        if let policy, context.problems.isEmpty, context.moreProblems == 0 { return .success(policy) }
        // Document order reads best; the sort is stable, so problems on one line keep schema order.
        // (Past `PolicyError.maxListed` problems are only counted: the listed ones are the first found.)
        let sorted = context.problems.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
        return .failure(PolicyError(problems: sorted, moreProblems: context.moreProblems))
    }

    /// Reads every field even after a problem, so all problems get reported.
    ///
    /// Optional fields follow one pattern: `c.optional(...).map(reader)` is `nil` when the key is
    /// absent (then `?? default` applies) and `.some(nil)` when it is present but invalid (already
    /// reported; the `?? default` keeps it `nil`, so no policy is built).
    static func read(_ root: JSONValue, _ c: inout Context) -> Policy? {
        guard let object = c.object(root, path: "", keys: keys) else { return nil }
        let migration = c.required(object, "migration").flatMap { readMigrationName($0, &c) }
        if let value = c.optional(object, "description") { _ = c.string(value, path: "description") }
        let baseline = c.required(object, "baseline").flatMap { readArmName($0, path: "baseline", &c) }
        var candidate = c.required(object, "candidate").flatMap { readArmName($0, path: "candidate", &c) }
        if let b = baseline, let name = candidate, b == name, let value = object["candidate"] {
            c.report("candidate", "must differ from baseline \(jsonQuoted(b))", at: value.position)
            candidate = nil
        }
        let interval = c.optional(object, "interval").map {
            c.duration($0, path: "interval", minimum: minimumInterval, maximum: maximumInterval)
        } ?? defaultInterval
        let pollAfter = c.optional(object, "pollAfter").map {
            c.duration($0, path: "pollAfter", minimum: minimumInterval, maximum: maximumInterval)
        } ?? defaultPollAfter
        let steps = c.required(object, "steps").flatMap { readSteps($0, &c) }
        let minRequests = c.optional(object, "minRequests").map { c.integer($0, path: "minRequests", minimum: 0) }
            ?? defaultMinRequests
        let judge = c.optional(object, "judge").map { value in
            c.choice(value, path: "judge", among: JudgeKind.allCases.map(\.rawValue)).flatMap(JudgeKind.init(rawValue:))
        } ?? defaultJudge
        let maxHold = c.optional(object, "maxHold").map { c.duration($0, path: "maxHold", minimum: minimumInterval) }
        let onStuck = c.optional(object, "onStuck").map { value in
            c.choice(value, path: "onStuck", among: OnStuck.allCases.map(\.rawValue)).flatMap(OnStuck.init(rawValue:))
        } ?? defaultOnStuck
        let noDataAfter = c.optional(object, "noDataAfter").map {
            c.duration($0, path: "noDataAfter", minimum: minimumInterval)
        }
        let guards = c.optional(object, "guards").map { readGuards($0, &c) } ?? Guards()
        let sequential = c.optional(object, "sequential").map { readSequential($0, &c) } ?? SequentialSettings()
        let arms = [baseline, candidate].compactMap { $0 }
        let cost = c.optional(object, "cost").map { readCost($0, arms: arms.count == 2 ? arms : [], &c) } ?? [:]
        let breaker = c.optional(object, "breaker").map { readBreaker($0, &c) } ?? BreakerSettings()
        let notify = c.optional(object, "notify").map { readNotify($0, &c) } ?? []
        let overrides = c.optional(object, "overrides").map { readOverrides($0, arms: [baseline ?? "", candidate ?? ""], &c) } ?? []
        let schedule = c.optional(object, "schedule").map { readSchedule($0, &c) }
        let metrics = c.optional(object, "metrics").map { readMetrics($0, interval: interval, &c) } ?? MetricsSpec()
        if let guards, let cost, !checkCostGuard(guards, cost: cost, arms: arms, root: root, &c) { return nil }

        guard let migration, let baseline, let candidate, let interval, let pollAfter, let steps,
              let minRequests, let judge, let onStuck, let guards, let sequential, let cost, let breaker, let notify,
              let overrides
        else { return nil }
        if case .some(.none) = maxHold { return nil }  // given but invalid
        if case .some(.none) = noDataAfter { return nil }
        if case .some(.none) = schedule { return nil }
        guard let metrics else { return nil }
        var policy = Policy(migration: migration, baseline: baseline, candidate: candidate, interval: interval,
                      steps: steps, minRequests: minRequests, guards: guards, judge: judge,
                      maxHold: maxHold ?? nil, onStuck: onStuck, pollAfter: pollAfter,
                      sequential: sequential, noDataAfter: noDataAfter ?? nil, cost: cost, breaker: breaker,
                      notify: notify, overrides: overrides)
        policy.schedule = schedule ?? nil
        policy.metrics = metrics
        // Cross-field checks on the assembled policy (keep them after every field is set).
        guard checkCustomGuards(policy, root: root, &c) else { return nil }
        return policy
    }

    /// `[a-z0-9][a-z0-9._-]{0,62}`: safe in URLs, metric labels and file names.
    static func readMigrationName(_ value: JSONValue, _ c: inout Context) -> String? {
        guard let name = c.string(value, path: "migration") else { return nil }
        let scalars = Array(name.unicodeScalars)
        let valid = (1...63).contains(scalars.count)
            && scalars.allSatisfy { isLowerAlnum($0) || $0 == "." || $0 == "_" || $0 == "-" }
            && isLowerAlnum(scalars[0])
        guard valid else {
            c.report("migration", "must be 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, "
                     + "found \(jsonQuoted(name))", at: value.position)
            return nil
        }
        return name
    }

    /// `[A-Za-z0-9._-]{1,63}`: arm names travel in the line protocol, separated by spaces.
    static func readArmName(_ value: JSONValue, path: String, _ c: inout Context) -> String? {
        guard let name = c.string(value, path: path) else { return nil }
        let scalars = Array(name.unicodeScalars)
        let valid = (1...63).contains(scalars.count) && scalars.allSatisfy {
            isLowerAlnum($0) || ("A"..."Z").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard valid else {
            c.report(path, "must be 1 to 63 of A-Z, a-z, 0-9, '.', '_', '-', found \(jsonQuoted(name))", at: value.position)
            return nil
        }
        return name
    }

    static func isLowerAlnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
}
