extension StateMachine {
    static func operatorTransition(_ action: OperatorAction, reason text: String?, weight: Weight?,
                                   status: MigrationStatus, judge: JudgeState, policy: Policy,
                                   now: Int64) throws(TransitionRefused) -> Transition {
        let phase = status.phase
        let here = ReasonFormat.step(status.step, policy)
        func make(_ to: Phase, step: Int, _ decision: Decision.Action, _ sentence: String,
                  restartsStep: Bool = false) -> Transition {
            transition(from: status, judge: judge, policy: policy, phase: to, step: step, action: decision,
                       actor: .operator, reason: withOperatorText(sentence, text), now: now,
                       restartsStep: restartsStep)
        }
        /// The next step, ramping; promoted after the last step.
        func forward(_ sentence: (String) -> String) -> Transition {
            let next = status.step + 1
            if next >= policy.steps.count {
                return make(.promoted, step: status.step, .promote,
                            sentence("100% (\(here) was the last step)"))
            }
            return make(.ramping, step: next, .advance, sentence(ReasonFormat.step(next, policy)))
        }

        switch action {
        case .setWeight:
            return try held(at: weight, reason: text, status: status, judge: judge, policy: policy, now: now)
        case .back:
            guard !phase.isTerminal else {
                throw refusal(action, status, allowed: "ramping, waiting or paused", target: nil)
            }
            guard status.step > 0 else {
                throw TransitionRefused(action: action, phase: phase, message: "cannot go back on "
                    + "\(jsonQuoted(status.migration)): it is at \(here), the first step (rollback goes to 0%)")
            }
            return make(.ramping, step: status.step - 1, .back,
                        "operator went back from \(here) to \(ReasonFormat.step(status.step - 1, policy))",
                        restartsStep: true)
        case .pause:
            guard phase == .ramping || phase == .waiting else {
                throw refusal(action, status, allowed: "ramping or waiting", target: .paused)
            }
            return make(.paused, step: status.step, .pause, "operator paused at \(here)")
        case .resume:
            switch phase {
            case .paused:
                let from = status.heldWeight.map { " (from the held \(ReasonFormat.weight($0)))" } ?? ""
                return make(.ramping, step: status.step, .resume, "operator resumed at \(here)\(from)")
            case .waiting:
                return forward { "operator opened the gate: moving to \($0)" }
            default:
                throw refusal(action, status, allowed: "paused or waiting", target: nil)
            }
        case .advance:
            guard !phase.isTerminal else {
                throw refusal(action, status, allowed: "ramping, waiting or paused", target: nil)
            }
            return forward { "operator advanced to \($0)" }
        case .promote:
            guard !phase.isTerminal else {
                throw refusal(action, status, allowed: "ramping, waiting or paused", target: .promoted)
            }
            return make(.promoted, step: status.step, .promote, "operator promoted to 100% from \(here)")
        case .rollback:
            guard !phase.isTerminal else {
                throw refusal(action, status, allowed: "ramping, waiting or paused", target: .rolledBack)
            }
            return make(.rolledBack, step: status.step, .rollback, "operator rolled back to 0% from \(here)")
        case .restart:
            guard phase.isTerminal else {
                throw refusal(action, status, allowed: "promoted or rolled_back", target: nil)
            }
            // A finished migration is not read by the control loop, so its snapshot is as old as its end:
            // dropping it makes the first tick after the restart take a new one, and traffic seen while
            // the migration was over never counts as evidence.
            var t = make(.ramping, step: 0, .restart, "operator restarted at \(ReasonFormat.step(0, policy))",
                         restartsStep: true)
            t.judge.lastSnapshot = nil
            return t
        }
    }

    /// The default sentence, followed by the operator's own words when they gave any.
    static func withOperatorText(_ sentence: String, _ text: String?) -> String {
        guard let text else { return sentence }
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? sentence : "\(sentence): \(trimmed)"
    }

    /// `cannot resume "x": it is ramping, not paused or waiting`.
    static func refusal(_ action: OperatorAction, _ status: MigrationStatus, allowed: String,
                        target: Phase?) -> TransitionRefused {
        let verb = action == .rollback ? "roll back" : action == .back ? "go back on" : action.rawValue
        let head = "cannot \(verb) \"\(status.migration)\": "
        let message: String
        if let target, target == status.phase {
            message = head + "it is already \(status.phase.rawValue)"
        } else if status.phase.isTerminal {
            message = head + "it is \(status.phase.rawValue), not \(allowed) (restart starts it over)"
        } else {
            message = head + "it is \(status.phase.rawValue), not \(allowed)"
        }
        return TransitionRefused(action: action, phase: status.phase, message: message)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (no Foundation in the core).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
