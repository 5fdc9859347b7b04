/// What an operator can ask for (`POST /v1/migrations/{name}/{action}`).
package enum OperatorAction: String, Sendable, CaseIterable {
    case pause, resume, advance, promote, rollback, restart
    /// An operator hold at a weight below the current step's (body `{"weight": P}`): paused at that weight.
    case setWeight = "set-weight"
    /// One step down: the previous step's weight, ramping, bake starting over.
    case back

    /// The longest reason an operator may give with an action, in UTF-8 bytes (1 KiB): it is stored
    /// in every decision, logged and shown in the status.
    package static let maxReasonBytes = 1024
}

/// An action that makes no sense in the current state (HTTP 409); nothing changes.
package struct TransitionRefused: Error, Hashable, Sendable, CustomStringConvertible {
    package var action: OperatorAction
    package var phase: Phase
    package var message: String

    package init(action: OperatorAction, phase: Phase, message: String) {
        self.action = action
        self.phase = phase
        self.message = message
    }

    package var description: String { message }
}
