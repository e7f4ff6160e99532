public import Azure
public import Cisco
public import Spec

/// The providers this build of `reconcile` brings in process, for what needs them all at once:
/// each one's part of lowering (the executable, the test harness, the benchmarks).
///
/// Adding a provider adds it here and to `Sources/reconcile/main.swift`, nothing else.
public enum BuiltIn {
    /// Every built-in provider's lowering: Azure's resources, then each router's sections.
    public static let lowering: [any ResourceLowering] = [AzureLowering(), CiscoLowering()]
}
