extension IOSImport {
    /// Which lines of a running configuration a rendering holds, level by level: a line is
    /// claimed when the rendering has a line with the same key at the same place (under a
    /// claimed parent); the lines under an unclaimed one are unclaimed too.
    ///
    /// Every line of the configuration ends up in exactly one of `claimed` and `unclaimed`,
    /// as the parser counts lines (a banner is one line, a certificate's rows are its children).
    struct Claim {
        var claimed: [String] = []
        var unclaimed: [String] = []
        /// Rendered lines the configuration does not hold.
        var missing: [String] = []

        init(running: IOSConfig, rendered: IOSConfig) {
            walk(running.lines, rendered.lines, path: [])
        }

        private mutating func walk(_ have: [IOSLine], _ want: [IOSLine], path: [String]) {
            var waiting: [String: [Int]] = [:]
            for (index, line) in want.enumerated() { waiting[IOSImport.key(line.text), default: []].append(index) }
            var matched = Set<Int>()
            for line in have {
                let shown = path + [IOSRules.masked(line.text)]
                let key = IOSImport.key(line.text)
                guard var queue = waiting[key], !queue.isEmpty else {
                    all(line, path: path, into: &unclaimed)
                    continue
                }
                let index = queue.removeFirst()
                waiting[key] = queue
                matched.insert(index)
                claimed.append(shown.joined(separator: " / "))
                walk(line.children, want[index].children, path: shown)
            }
            for (index, line) in want.enumerated() where !matched.contains(index) {
                all(line, path: path, into: &missing)
            }
        }

        /// A line and every line under it, as paths.
        private func all(_ line: IOSLine, path: [String], into list: inout [String]) {
            let shown = path + [IOSRules.masked(line.text)]
            list.append(shown.joined(separator: " / "))
            for child in line.children { all(child, path: shown, into: &list) }
        }
    }

    /// What a line is compared by: its secret masked, a reversible encoding (`7`, `0`) dropped,
    /// and a one-way secret typed in clear (`… algorithm-type scrypt secret P`) taken as the
    /// line IOS keeps instead (`… secret 9 <sensitive>`).
    static func key(_ text: String) -> String {
        if let hashed = HashedSecretLine(text) { return hashed.kept + IOSRenderer.masked }
        var masked = IOSRules.masked(text)
        for marker in [" 7 ", " 0 "] {
            masked = masked.replacing(marker + IOSRenderer.masked, with: " " + IOSRenderer.masked)
        }
        return masked
    }
}
