internal import Reconciler
internal import Spec

extension CiscoProvider {
    /// One router's unit of work, pushed in one session (docs/ios.md, "Applying").
    struct Push: Sendable {
        let device: String
        let unit: [ResolvedChange]
        let platform: String
        let revertMinutes: Int

        /// Where the running config is copied before anything changes.
        static let backup = "flash:reconcile-backup.cfg"

        /// The sections being changed, as they are wanted and as they were last applied.
        var identities: [(type: String, identity: Attributes)] {
            unit.flatMap { change in
                [(change.type, change.attributes)] + (change.prior.map { [($0.type, $0.attributes)] } ?? [])
            }
        }

        /// Whether a top-level line belongs to one of the sections being changed.
        var scope: @Sendable (String) -> Bool {
            let identities = identities
            return { text in identities.contains { IOSSections.owns(type: $0.type, identity: $0.identity, line: text) }
            }
        }

        /// What the spec wants of the sections being changed, and for each section being
        /// deleted what it held in the router's baseline.
        func intended(baseline: IOSConfig?) -> IOSConfig {
            let kept = unit.filter { $0.action != .delete }
            let deleted = unit.filter { $0.action == .delete }.flatMap { change in
                [(change.type, change.attributes)] + (change.prior.map { [($0.type, $0.attributes)] } ?? [])
            }
            return Self.restoring(
                IOSRenderer.device(kept.map { ($0.type, $0.attributes) }, platform: platform),
                baseline: baseline,
                deleted: deleted,
                kept: kept.map { ($0.type, $0.attributes) }
            )
        }

        /// `intended` with the baseline's lines that a deleted section owns and no kept section
        /// does: destroy gives the router back what it ran before reconcile first changed it
        /// (an interface's old lines, the old hostname), and removes only what it added.
        static func restoring(
            _ intended: IOSConfig,
            baseline: IOSConfig?,
            deleted: [(type: String, identity: Attributes)],
            kept: [(type: String, identity: Attributes)] = []
        ) -> IOSConfig {
            guard let baseline, !deleted.isEmpty else { return intended }
            func owned(_ text: String, by sections: [(type: String, identity: Attributes)]) -> Bool {
                sections.contains { IOSSections.owns(type: $0.type, identity: $0.identity, line: text) }
            }
            let restored = baseline.lines.filter { line in
                owned(line.text, by: deleted) && !owned(line.text, by: kept)
                    && !intended.lines.contains { $0.text == line.text }
            }
            return IOSConfig(lines: intended.lines + restored)
        }

        func run(provider: CiscoProvider, access: Access) throws {
            let session = try provider.open(device, access)
            defer { session.close() }
            try checkFacts(IOSSections.Facts(showVersion: try session.run("show version")))
            let before = try CiscoProvider.running(session, device: device)
            // The first push adopts the router: what it ran until now is what destroy restores.
            try provider.baseline.keep(before, for: device)
            let intended = intended(baseline: try provider.baseline.load(device))
            let commands = Remediation.commands(running: before, intended: intended, scope: scope)
            guard !commands.lines.isEmpty else { return }
            let copied = try session.run("copy running-config \(Self.backup)")
            if let failure = SSHTransport.failure(copied) {
                throw ProviderError("\(device): the running config could not be copied to \(Self.backup): \(failure)")
            }
            let (normal, guarded) = split(commands, running: before)
            do {
                if !normal.isEmpty { try session.configure(Remediation.script(IOSConfig(lines: normal))) }
                if !guarded.isEmpty {
                    try guardedPush(guarded, session: session, running: before, provider: provider, access: access)
                }
                let after = try CiscoProvider.running(session, device: device)
                let left = Remediation.commands(running: after, intended: intended, scope: scope)
                guard left.lines.isEmpty else {
                    let lines = Remediation.script(left).map(IOSRules.masked)
                    throw ProviderError(
                        "the router does not show what was sent; still different: \(lines.joined(separator: "; "))"
                    )
                }
            } catch {
                var detail = (error as? ProviderError)?.message ?? String(describing: error)
                while detail.hasSuffix(".") { detail.removeLast() }
                let outcome = rollback(session, provider: provider, to: before)
                throw ProviderError("\(device): \(detail). \(outcome)")
            }
            if unit.contains(where: { $0.prior != nil && $0.action != .delete && Self.cryptoTypes.contains($0.type) }) {
                // Crypto edits apply at the next negotiation; make it now.
                _ = try? session.run("clear crypto session")
            }
            let saved = try session.run("write memory")
            guard saved.contains("[OK]") else {
                throw ProviderError("\(device): the change is running but `write memory` did not say [OK]: \(saved)")
            }
        }

        static let cryptoTypes: Set<String> = [
            IKEv2ProposalSection.type, IKEv2PolicySection.type, IKEv2KeyringSection.type, IKEv2ProfileSection.type,
            TransformSetSection.type, IPsecProfileSection.type, TunnelSection.type,
        ]

        /// Model, software and platform are facts of the router, not something a push changes.
        func checkFacts(_ facts: IOSSections.Facts) throws {
            guard let system = unit.first(where: { $0.type == SystemSection.type && $0.action != .delete }) else {
                return
            }
            let found: [(String, String?)] = [
                ("platform", facts.platform), ("model", facts.model), ("software", facts.software),
            ]
            for (name, have) in found {
                guard let wanted = system.attributes[name]?.scalarText, let have, wanted != have else { continue }
                throw ProviderError(
                    "\(device): the spec says \(name) \(wanted), the router reports \(have) (show version); "
                        + "reconcile does not change a router's hardware or software: correct the spec or the router"
                )
            }
        }

        /// Commands that change the path this session arrives on (WAN, dialer, vty, NAT, the
        /// default route, the login user) and that touch lines already there go last, behind
        /// a timed revert; new lines cannot cut a path that does not use them yet.
        func split(_ commands: IOSConfig, running: IOSConfig) -> (normal: [IOSLine], guarded: [IOSLine]) {
            let wan = unit.first { $0.type == WANSection.type }.flatMap { change in
                (change.attributes["interface"] ?? change.prior?.attributes["interface"])?.scalarText
            }
            let rules = IOSRules.ios
            // The lists the vty lines filter logins with are on the path too.
            let vtyLists = Set(
                running.lines.filter { $0.text.hasPrefix("line vty ") }.flatMap(\.children).compactMap { line in
                    line.text.hasPrefix("access-class ") ? line.text.split(separator: " ").dropFirst().first : nil
                }.map { "access-list \($0)" }
            )
            // A list rewritten whole is one object: its entries go with its `no access-list N`,
            // after it, never before it where the `no` would delete them again.
            let rewritten = Set(
                commands.lines.compactMap { $0.text.hasPrefix("no access-list ") ? String($0.text.dropFirst(3)) : nil }
            )
            var normal: [IOSLine] = []
            var guarded: [IOSLine] = []
            for line in commands.lines {
                var target = line.text
                for prefix in ["no ", "default "] where target.hasPrefix(prefix) { target.removeFirst(prefix.count) }
                let words = target.split(separator: " ")
                let list = words.first == "access-list" && words.count > 1 ? "access-list \(words[1])" : nil
                let management =
                    !target.hasPrefix("hostname ")
                    && (rules.weight(target, path: []) >= 100 || (wan.map { target == "interface \($0)" } ?? false)
                        || (list.map(vtyLists.contains) ?? false))
                let key = rules.idempotencyKey(target, path: [])
                let existing =
                    target != line.text || (list.map(rewritten.contains) ?? false)
                    || running.lines.contains { have in
                        have.text == target || (key != nil && rules.idempotencyKey(have.text, path: []) == key)
                            || (rules.destination(target).map { rules.destination(have.text) == $0 } ?? false)
                    }
                if management && existing { guarded.append(line) } else { normal.append(line) }
            }
            return (normal, guarded)
        }

        /// Pushes the management-path lines behind a dead-man switch: `configure terminal revert
        /// timer` when the router has an `archive` path, else `reload in`; confirmed (`configure
        /// confirm`, `reload cancel`) only from a new session, which proves the path still works.
        func guardedPush(
            _ lines: [IOSLine],
            session: SSHTransport,
            running: IOSConfig,
            provider: CiscoProvider,
            access: Access
        ) throws {
            let archive = running.lines.contains {
                $0.text == "archive" && $0.children.contains { $0.text.hasPrefix("path ") }
            }
            let script = Remediation.script(IOSConfig(lines: lines))
            let confirm = archive ? "configure confirm" : "reload cancel"
            if archive {
                try session.configure(script, entering: "configure terminal revert timer \(revertMinutes)")
            } else {
                let scheduled = try session.run("reload in \(revertMinutes)")
                if let failure = SSHTransport.failure(scheduled) {
                    throw ProviderError(
                        "`reload in \(revertMinutes)` (the guard for management-path lines) failed: \(failure)"
                    )
                }
                try session.configure(script)
            }
            do {
                let probe = try provider.open(device, access)
                defer { probe.close() }
                _ = try probe.run(confirm)
            } catch {
                let why = (error as? ProviderError)?.message ?? String(describing: error)
                // Name what was sent: the SSH error alone ("connection reset") does not say that
                // the vty access-class or the address the tool arrives on shut it out.
                let sent: [String] = script.map { String($0.trimmingPrefix(" ")) }.filter { $0 != "exit" }.map {
                    "'\(IOSRules.masked($0))'"
                }
                let lines = sent.joined(separator: ", ")
                throw ProviderError(
                    "no new session could be opened after the management-path change (\(lines)): the vty lines' access-class or the address this tool reaches the router by no longer "
                        + "let it in (SSH said: \(why)), so it was not confirmed; unless rolled back now, the router "
                        + "returns to its previous config within \(revertMinutes) minutes"
                )
            }
        }

        /// Puts the running config back as it was (`configure replace` from the copy on flash),
        /// cancels a pending revert, and checks the result line for line.
        func rollback(_ session: SSHTransport, provider: CiscoProvider, to before: IOSConfig) -> String {
            do {
                _ = try? session.run("end")
                let replaced = try session.run("configure replace \(Self.backup) force")
                if let failure = SSHTransport.failure(replaced) {
                    return "Rolling back failed: \(failure); the copy is \(Self.backup) on the router."
                }
                for cancel in ["configure confirm", "reload cancel"] { _ = try? session.run(cancel) }
                let now = try CiscoProvider.running(session, device: device)
                guard now.render() == before.render() else {
                    return "Rolled back from \(Self.backup), but the running config still differs from before."
                }
                return "Rolled back: the running config is again exactly what it was before."
            } catch {
                return "Rolling back failed: \(error); the copy is \(Self.backup) on the router."
            }
        }
    }
}
