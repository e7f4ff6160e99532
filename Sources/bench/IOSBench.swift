import Cisco
import Foundation

/// The Cisco remediation engine on the inputs `bench/ios_remediation.py` generates (the same
/// ones hier_config gets): parse both configs and remediate, timed from text in memory.
enum IOSBench {
    static func remediate(running: String, intended: String, iterations: Int, out: String?) {
        guard let runningText = try? String(contentsOfFile: running, encoding: .utf8),
            let intendedText = try? String(contentsOfFile: intended, encoding: .utf8)
        else {
            print("cannot read \(running) or \(intended)")
            exit(1)
        }
        let clock = ContinuousClock()
        var times: [Duration] = []
        var result = IOSConfig()
        for _ in 0..<max(iterations, 1) {
            let start = clock.now
            do {
                let have = try IOSParser.parse(runningText)
                let want = try IOSParser.parse(intendedText)
                result = Remediation.commands(running: have, intended: want)
            } catch {
                print("parse error: \(error)")
                exit(1)
            }
            times.append(clock.now - start)
        }
        let rendered = result.render()
        if let out { _ = FileManager.default.createFile(atPath: out, contents: Data(rendered.utf8)) }
        let lines = rendered.split(separator: "\n").count
        let inputLines = runningText.split(separator: "\n").count
        print(
            "ios       parse \(inputLines)-line running + intended and remediate: median \(ms(times.sorted()[times.count / 2])) "
                + "over \(times.count) runs, \(lines) lines"
        )
    }
}
