internal import Foundation
public import Spec
import Synchronization

/// Runs drift once or every interval until stopped: one run at a time, the interval jittered,
/// SIGTERM and SIGINT honoured between runs, a history line per run, reports rewritten
/// atomically, and a webhook only when the set of findings changes.
public struct Schedule: Sendable {
    /// Nil: run once.
    public var interval: Duration?
    /// The interval varies by up to this fraction either way, so many schedulers do not
    /// read Azure at the same moment.
    public var jitter: Double = 0.1
    public var maxRuns: Int?
    /// JSON Lines, one per run.
    public var history: String
    /// Files rewritten after every run.
    public var reports: [(format: DriftRenderer.Format, path: String)]
    public var webhook: Webhook?
    /// Progress for people (stderr).
    public var say: @Sendable (String) -> Void
    /// Masks the run's secret values in everything written (reports, history, webhook body).
    public var redact: @Sendable (String) -> String

    public init(
        interval: Duration?,
        maxRuns: Int? = nil,
        history: String,
        reports: [(format: DriftRenderer.Format, path: String)] = [],
        webhook: Webhook? = nil,
        say: @escaping @Sendable (String) -> Void = { _ in },
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.interval = interval
        self.maxRuns = maxRuns
        self.history = history
        self.reports = reports
        self.webhook = webhook
        self.say = say
        self.redact = redact
    }

    /// One history line.
    public struct Entry: Codable, Sendable, Equatable {
        public var time: String
        public var status: String
        public var error: String?
        public var drifted: Bool
        /// The set of drift findings (`DriftReport.digest`).
        public var digest: String
        public var counts: [String: Int]
        /// Whether this run sent a notification.
        public var notified: Bool
        public var notifyError: String?
    }

    /// Runs `once` as the schedule says; returns the last report.
    ///
    /// `topology` draws HTML reports.
    public func run(
        topology: Topology?,
        _ once: @escaping @Sendable () async -> DriftReport
    ) async -> DriftReport? {
        let stop = StopSignal()
        if interval != nil { stop.install() }
        var last: DriftReport?
        var runs = 0
        var previous = lastDigest()
        while !stop.requested {
            let report = await once()
            runs += 1
            last = report
            var entry = Entry(
                time: report.generatedAt,
                status: report.status.rawValue,
                error: report.error.map(redact),
                drifted: report.drifted,
                digest: report.digest,
                counts: report.counts,
                notified: false
            )
            for (format, path) in reports {
                do {
                    try Self.writeAtomically(
                        redact(DriftRenderer.render(report, format: format, topology: topology)),
                        to: path
                    )
                } catch {
                    say("error: cannot write the \(format.rawValue) report to \(path): \(error)")
                }
            }
            if report.status == .ok {
                if report.digest != previous, let webhook {
                    do {
                        try await webhook.send(Data(redact(DriftRenderer.render(report, format: .json)).utf8))
                        entry.notified = true
                        say("Sent the drift report to the webhook (the findings changed).")
                    } catch {
                        entry.notifyError = String(describing: error)
                        say("error: notifying the webhook failed (the next run tries again): \(error)")
                    }
                }
                // A notification that could not be sent is owed: the next run sends it.
                if entry.notifyError == nil { previous = report.digest }
            }
            append(entry)
            guard let interval, maxRuns.map({ runs < $0 }) ?? true else { break }
            let wait = jittered(interval)
            say("Next drift run in \(Int(wait.components.seconds)) s (Ctrl-C or SIGTERM stops).")
            await stop.sleep(wait)
        }
        if stop.requested { say("Stopped between runs; \(runs) run(s) done.") }
        return last
    }

    func jittered(_ interval: Duration) -> Duration {
        let factor = 1 + Double.random(in: -jitter...jitter)
        return .milliseconds(Int64(Double(interval.components.seconds * 1_000) * factor))
    }

    /// The digest of the last successful run in the history whose notification, if one was
    /// due, went out: a restart does not notify again, and does not forget one it owes.
    func lastDigest() -> String {
        let empty = DriftReport(spec: "", generatedAt: "", epochSeconds: 0).digest
        guard let text = try? String(contentsOfFile: history, encoding: .utf8) else { return empty }
        let decoder = JSONDecoder()
        for line in text.split(separator: "\n").reversed() {
            if let entry = try? decoder.decode(Entry.self, from: Data(line.utf8)), entry.status == "ok",
                entry.notifyError == nil
            {
                return entry.digest
            }
        }
        return empty
    }

    func append(_ entry: Entry) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        let directory = (history as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if !FileManager.default.fileExists(atPath: history) {
            _ = FileManager.default.createFile(atPath: history, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: history) else {
            say("error: cannot append to the history \(history)")
            return
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data)
        try? handle.synchronize()
    }

    /// Writes beside the file and renames over it: a reader sees the old report or the new one, whole.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}

/// SIGTERM and SIGINT ask the loop to stop; a run in progress finishes first.
final class StopSignal: Sendable {
    private struct State {
        var stopped = false
        /// Kept so the sources live as long as the signal.
        var sources: [any DispatchSourceSignal] = []
    }
    private let state = Mutex(State())

    var requested: Bool { state.withLock { $0.stopped } }

    func install() {
        // The sources are made inside the lock: they are not Sendable, so they never leave the state they live in.
        state.withLock { held in
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.state.withLock { $0.stopped = true } }
                source.resume()
                held.sources.append(source)
            }
        }
    }

    /// Sleeps for `duration`, waking early when a stop is asked for.
    func sleep(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !requested && ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(200), end - ContinuousClock.now))
        }
    }
}
