/// Shared state of one decoding run: the diagnostics it collects and its options.
final class DecodeContext {
    var diagnostics = Diagnostics()
    let allowPlaintextSecrets: Bool
    /// The kinds plugins bring, by name.
    let pluginKinds: [String: PluginKind]
    /// When set, every schema field a decoder reads is recorded as "Title.field" (used by the
    /// test that proves the decoder reads every field the schema declares).
    var accessed: Set<String>?

    init(allowPlaintextSecrets: Bool, pluginKinds: [String: PluginKind] = [:], trackAccess: Bool = false) {
        self.allowPlaintextSecrets = allowPlaintextSecrets
        self.pluginKinds = pluginKinds
        self.accessed = trackAccess ? [] : nil
    }
}

/// Suggests the closest candidate for a misspelt word, if one is close enough.
enum Suggest {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        if let sameCase = candidates.first(where: { $0.lowercased() == lower }) {
            return sameCase
        }
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(lower.utf8), Array(candidate.lowercased().utf8))
            if distance <= max(1, min(3, candidate.count / 3)), best.map({ distance < $0.1 }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    static func didYouMean(_ word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }
}
