/// Why a store refused a `save`. Nothing was changed. Both stores throw it with the same messages.
package struct MigrationStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    package enum Code: String, Hashable, Sendable {
        /// The change's revision is lower than the stored one.
        case staleRevision
        /// The decision's revision is not the status revision it comes with.
        case decisionRevisionMismatch
        /// `newPolicySource` was given for a version that is already stored.
        case duplicatePolicyVersion
        /// `status.policyVersion` is not stored and the change carries no source for it.
        case missingPolicyVersion
        /// The migration to archive is not stored.
        case unknownMigration
    }

    package var code: Code
    package var migration: String
    package var message: String

    package init(code: Code, migration: String, message: String) {
        self.code = code
        self.migration = migration
        self.message = message
    }

    package var description: String { message }
}

extension StoreChange {
    /// Checks this change against what is stored, the rules every `MigrationStore` enforces.
    ///
    /// - Parameters:
    ///   - storedRevision: the migration's stored revision, nil for a brand-new migration.
    ///   - policyVersionExists: whether `status.policyVersion` is already stored.
    package func validate(storedRevision: Int64?, policyVersionExists: Bool) throws(MigrationStoreError) {
        let name = status.migration
        if let decision, decision.revision != status.revision {
            throw MigrationStoreError(code: .decisionRevisionMismatch, migration: name, message:
                "migration \"\(name)\": decision revision \(decision.revision) differs from status revision \(status.revision); save refused")
        }
        if let storedRevision, status.revision < storedRevision {
            throw MigrationStoreError(code: .staleRevision, migration: name, message:
                "migration \"\(name)\": revision \(status.revision) is older than stored revision \(storedRevision); save refused")
        }
        if newPolicySource != nil, policyVersionExists {
            throw MigrationStoreError(code: .duplicatePolicyVersion, migration: name, message:
                "migration \"\(name)\": policy version \(status.policyVersion) already exists; save refused")
        }
        if newPolicySource == nil, !policyVersionExists {
            let hint = storedRevision == nil ? "a new migration's first save must carry its policy source"
                                             : "the change carries no policy source for it"
            throw MigrationStoreError(code: .missingPolicyVersion, migration: name, message:
                "migration \"\(name)\": policy version \(status.policyVersion) is not stored and \(hint); save refused")
        }
    }
}
