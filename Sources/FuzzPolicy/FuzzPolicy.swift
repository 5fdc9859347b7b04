import GlidepathCore

/// libFuzzer entry point for `JSONParser` and `PolicyParser` (policy decoding and validation).
///
/// The input (as UTF-8, invalid bytes replaced) is parsed as JSON, then as a policy. Checked:
/// - JSON the parser accepts, rendered compact and pretty, parses again to the same value;
/// - a JSON error points at a line of the input;
/// - a policy the parser accepts keeps the documented rules (1...50 strictly increasing steps with
///   weights in (0, 100 %], non-negative bakes, `interval` and `pollAfter` at least 1 s, arm names
///   that differ, `minRequests` ≥ 0), and `parse(render(policy).rendered())` gives back the policy;
/// - a refused policy reports at least one problem, each with a message, on a line of the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }

    do {
        let value = try JSONParser.parse(text)
        for pretty in [false, true] {
            let again: JSONValue
            do {
                again = try JSONParser.parse(value.rendered(pretty: pretty))
            } catch {
                fail("rendered JSON (pretty: \(pretty)) does not parse: \(error)\n\(value.rendered(pretty: pretty))")
            }
            if !sameJSON(value, again) { fail("JSON round trip (pretty: \(pretty)) changed the value") }
        }
    } catch {
        if error.line < 1 || error.line > lines || error.column < 1 { fail("JSON error outside the input: \(error)") }
    }

    switch PolicyParser.parse(text) {
    case .failure(let error):
        if error.problems.isEmpty { fail("a refusal without problems") }
        for problem in error.problems {
            if problem.message.isEmpty { fail("a problem without a message at \(problem.path)") }
            if let line = problem.line, line < 1 || line > lines { fail("problem on line \(line) of \(lines): \(problem)") }
        }
    case .success(let policy):
        checkRules(policy)
        let rendered = PolicyParser.render(policy).rendered()
        switch PolicyParser.parse(rendered) {
        case .failure(let error):
            fail("rendered policy is refused: \(error)\n\(rendered)")
        case .success(let again):
            if again != policy { fail("policy round trip changed the policy\n\(rendered)") }
        }
    }
    return 0
}

func checkRules(_ p: Policy) {
    if p.steps.isEmpty || p.steps.count > PolicyParser.maxSteps { fail("\(p.steps.count) steps") }
    var previous = -1
    for step in p.steps {
        if step.weight.basisPoints <= previous || step.weight.basisPoints > 10_000 { fail("weights \(p.steps)") }
        // A zero weight only on a shadow step; a mirror is above its step's weight.
        if step.weight == .zero && step.mirror == .zero { fail("weight 0 without a mirror \(p.steps)") }
        if step.mirror != .zero && (step.mirror <= step.weight || step.mirror.basisPoints > 10_000) {
            fail("mirror \(step.mirror) at weight \(step.weight)")
        }
        previous = step.weight.basisPoints
        if step.bake.milliseconds < 0 { fail("negative bake \(step.bake)") }
    }
    if p.interval < PolicyParser.minimumInterval || p.pollAfter < PolicyParser.minimumInterval {
        fail("interval \(p.interval), pollAfter \(p.pollAfter)")
    }
    if let maxHold = p.maxHold, maxHold < PolicyParser.minimumInterval { fail("maxHold \(maxHold)") }
    if let noData = p.noDataAfter, noData < PolicyParser.minimumInterval { fail("noDataAfter \(noData)") }
    if p.baseline == p.candidate || p.baseline.isEmpty || p.candidate.isEmpty { fail("arms \(p.baseline) \(p.candidate)") }
    if p.migration.isEmpty || p.migration.utf8.count > 63 { fail("migration name \(p.migration)") }
    if p.minRequests < 0 { fail("minRequests \(p.minRequests)") }
    let g = p.guards
    for x in [g.maxErrorRatio, g.errorRateSlackPercent, g.maxLatencyRatio, g.latencyQuantile,
              p.sequential.alpha, p.sequential.beta, p.sequential.tolerance, p.sequential.badRatio]
        + p.sequential.latencyQuantiles where !x.isFinite {
        fail("a non-finite setting in \(p)")
    }
    if let rate = g.maxErrorRatePercent, !rate.isFinite { fail("maxRate \(rate)") }
    if g.failureThreshold < 1 { fail("failureThreshold \(g.failureThreshold)") }
}

/// Equal JSON values, ignoring where they were in the source.
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a.kind, b.kind) {
    case (.object(let x), .object(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && sameJSON($0.value, $1.value) }
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    default:
        return a.kind == b.kind
    }
}

func fail(_ message: String) -> Never {
    fatalError("FuzzPolicy invariant: \(message)")
}
