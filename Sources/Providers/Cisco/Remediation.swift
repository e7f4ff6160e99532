/// The commands that take a router from its running config to the intended one: the
/// smallest safe set, in an order IOS accepts.
///
/// Pure: two trees in, a tree of commands out. The rules (`IOSRules`) are data, each with a
/// table test; `docs/ios.md` lists them.
public enum Remediation {
    /// The commands, as a tree: a section header is entered, its child commands sent under it.
    ///
    /// With `scope`, only top-level lines it accepts are touched; the rest of the running
    /// config is left alone (the provider manages its own sections, nothing else).
    public static func commands(
        running: IOSConfig,
        intended: IOSConfig,
        rules: IOSRules = .ios,
        scope: (@Sendable (String) -> Bool)? = nil
    ) -> IOSConfig {
        let managed = scope.map { accept in running.lines.filter { accept($0.text) } } ?? running.lines
        let intended = rehashed(intended.lines, running: managed)
        return IOSConfig(lines: remediate(managed, intended, rules: rules, path: []))
    }

    /// An intended one-way secret (`enable secret P`, `username U privilege 15 [algorithm-type
    /// scrypt] secret P`) that the running line already holds (P hashed with its salt gives its
    /// hash) is taken as the running line: a one-way secret is compared by re-hashing, never
    /// re-sent when it is the same.
    static func rehashed(_ intended: [IOSLine], running: [IOSLine]) -> [IOSLine] {
        intended.map { line in
            guard let secret = HashedSecretLine(line.text),
                let have = running.first(where: { secret.isHeld(by: $0.text) })
            else { return line }
            return have
        }
    }

    /// The commands that undo `commands(running:intended:)`: the same computation the other
    /// way round.
    public static func rollback(running: IOSConfig, intended: IOSConfig, rules: IOSRules = .ios) -> IOSConfig {
        commands(running: intended, intended: running, rules: rules)
    }

    /// One level: what to negate, what to add, what to enter and change; then ordered.
    static func remediate(_ running: [IOSLine], _ intended: [IOSLine], rules: IOSRules, path: [String]) -> [IOSLine] {
        let runningKeys = running.map { rules.comparable($0.text) }
        let intendedKeys = intended.map { rules.comparable($0.text) }
        var have: [String: Int] = [:]
        have.reserveCapacity(running.count)
        for (index, key) in runningKeys.enumerated() { have[key] = index }
        let want = Set(intendedKeys)
        var out: [(IOSLine, Int)] = []

        // Numbered ACLs are one list: any difference rewrites the whole list.
        let acls = rules.changedNumberedLists(running, intended)
        for number in acls.sorted() {
            out.append((IOSLine("no access-list \(number)"), rules.weight("access-list", path: path)))
        }

        // Left: what runs and is not wanted, unless a line added beside it overwrites it in
        // place (only an added line can: IOS shows one value of a single-valued command).
        let gone = running.indices.filter {
            !want.contains(runningKeys[$0]) && !rules.isKept(running[$0].text)
                && !(path.isEmpty && rules.isFactoryPort(running[$0]))
        }.map { running[$0] }
        let added = gone.isEmpty ? [] : intended.indices.filter { have[intendedKeys[$0]] == nil }.map { intended[$0] }
        let overwritten = Set(added.compactMap { rules.idempotencyKey($0.text, path: path) })
        let destinations = Set(added.compactMap { rules.destination($0.text) })
        for line in gone {
            if let number = rules.numberedList(line.text), acls.contains(number) { continue }
            if let key = rules.idempotencyKey(line.text, path: path), overwritten.contains(key) { continue }
            let negation = rules.negation(of: line.text, path: path)
            let replaced = rules.destination(line.text).map(destinations.contains) ?? false
            out.append((IOSLine(negation), rules.weight(negation, path: path, replacement: replaced)))
        }
        // Right: what is wanted and missing, whole; sections both have, entered and changed.
        for (line, key) in zip(intended, intendedKeys) {
            if let number = rules.numberedList(line.text), acls.contains(number) {
                out.append((line, rules.weight(line.text, path: path)))
                continue
            }
            guard let index = have[key] else {
                out.append((ordered(line, rules: rules, path: path), rules.weight(line.text, path: path)))
                continue
            }
            let existing = running[index]
            guard !line.children.isEmpty || !existing.children.isEmpty, !line.isDelimitedText else { continue }
            let inner = remediate(existing.children, line.children, rules: rules, path: path + [line.text])
            if !inner.isEmpty {
                out.append((IOSLine(line.text, line: line.line, children: inner), rules.weight(line.text, path: path)))
            }
        }
        // Stable: equal weights keep negations before additions, each in config order.
        return out.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
    }

    /// A section added whole, its lines in the order the rules give (`tunnel protection` last).
    static func ordered(_ line: IOSLine, rules: IOSRules, path: [String]) -> IOSLine {
        guard !line.children.isEmpty else { return line }
        let inner = path + [line.text]
        var result = line
        result.children = line.children.enumerated().sorted {
            (rules.weight($0.element.text, path: inner), $0.offset) < (
                rules.weight($1.element.text, path: inner), $1.offset
            )
        }.map { ordered($0.element, rules: rules, path: inner) }
        return result
    }

    /// The tree as the lines sent to a router in configuration mode: a section's commands
    /// under its header, then `exit` back out (`exit-address-family` inside BGP), so each
    /// line lands in the mode it was written for.
    public static func script(_ commands: IOSConfig) -> [String] {
        var lines: [String] = []
        func emit(_ line: IOSLine, depth: Int) {
            lines.append(String(repeating: " ", count: depth) + line.text)
            guard !line.children.isEmpty else { return }
            for child in line.children { emit(child, depth: depth + 1) }
            let closing = line.text.hasPrefix("address-family") ? "exit-address-family" : "exit"
            if line.children.last?.text != closing {
                lines.append(String(repeating: " ", count: depth + 1) + closing)
            }
        }
        for line in commands.lines { emit(line, depth: 0) }
        return lines
    }
}
