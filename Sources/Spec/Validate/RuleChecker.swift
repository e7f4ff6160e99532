/// What runs rules over a topology and collects their findings: the core's `Validator`, and a
/// provider's rules on the kinds it brings (`ResourceLowering.check`).
public protocol RuleChecker {
    var diagnostics: Diagnostics { get set }
}

extension RuleChecker {
    /// Records an error of `rule` at `location`.
    public mutating func error(
        _ rule: RuleID,
        _ message: String,
        at location: SourceLocation,
        hint: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.error(rule, message, at: location, hint: hint, notes: notes)
    }

    /// Records a warning of `rule` at `location`.
    public mutating func warning(
        _ rule: RuleID,
        _ message: String,
        at location: SourceLocation,
        hint: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.warning(rule, message, at: location, hint: hint, notes: notes)
    }
}
