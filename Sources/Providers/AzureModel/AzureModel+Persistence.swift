internal import Foundation
internal import Spec

/// The resources by lower-cased id, remembering which ids changed since they were last saved.
struct ResourceTable: Sequence {
    private(set) var all: [String: AzureModel.Stored] = [:]
    private var changed: Set<String> = []

    subscript(key: String) -> AzureModel.Stored? {
        get { all[key] }
        set {
            all[key] = newValue
            changed.insert(key)
        }
    }

    var keys: Dictionary<String, AzureModel.Stored>.Keys { all.keys }

    func makeIterator() -> Dictionary<String, AzureModel.Stored>.Iterator { all.makeIterator() }

    /// The ids changed since the last call.
    mutating func takeChanges() -> Set<String> {
        defer { changed = [] }
        return changed
    }

    /// Loaded state, not a change.
    init(_ all: [String: AzureModel.Stored] = [:]) { self.all = all }
}

/// How the world is kept: `azure.json`, a snapshot, and `azure.log` beside it,
/// one JSON line per change, appended before the answer goes out.
///
/// A write costs O(what it changed): one appended line. Loading replays the log over the
/// snapshot and folds it in (a new snapshot by temp file and rename, then the log is
/// removed); so does a run whose log has grown past the snapshot, so that work is paid once
/// per the world's size in changes. Every line says what its resources, groups and
/// operations now are (not how they changed), so replaying a log that was already folded
/// in (a kill between the rename and the removal) gives the same world. A last line cut
/// short is ignored. In-flight operations are kept with wall-clock deadlines: a lab that
/// restarts finishes them when they were due, under the same operation ids.
extension AzureModel {
    struct Saved: Codable {
        var groups: [String: Attributes]
        var resources: [String: Attributes]
        /// Kept so the lab can negotiate tunnels; the lab directory is local and 0600.
        var sharedKeys: [String: String]
        var nextAddress: Int
        var nextOperation: Int?
        /// Resources whose operation was still running (absent in the first form: all finished).
        var inFlight: [String: InFlight]?
        var operations: [String: SavedOperation]?
    }

    struct InFlight: Codable, Equatable {
        var ready: Date
        var operation: String?
        var gone: Date?
    }

    struct SavedOperation: Codable {
        var resourceKey: String
        var done: Date
        var fails: Bool
        var result: Attributes?
    }

    struct SavedResource: Codable {
        var body: Attributes
        var sharedKey: String?
        var inFlight: InFlight?
    }

    /// One line of the log: the state now of what one request changed; nil: removed.
    struct Change: Codable {
        var resources: [String: SavedResource?]
        var groups: [String: Attributes?]
        var operations: [String: SavedOperation]
        var nextAddress: Int
        var nextOperation: Int
    }

    /// What a model starts from.
    struct Loaded {
        var groups: [String: Attributes] = [:]
        var resources: [String: Stored] = [:]
        var operations: [String: Operation] = [:]
        var nextAddress = 10
        var nextOperation = 1
    }

    static func logPath(_ persistence: String) -> String {
        (persistence.hasSuffix(".json") ? String(persistence.dropLast(5)) : persistence) + ".log"
    }

    /// The world in `persistence` with its log replayed; the log is folded into a new snapshot.
    static func load(_ persistence: String, clock: ContinuousClock) -> Loaded {
        var saved = Saved(groups: [:], resources: [:], sharedKeys: [:], nextAddress: 10)
        if let data = FileManager.default.contents(atPath: persistence),
            let decoded = try? JSONDecoder().decode(Saved.self, from: data)
        {
            saved = decoded
        }
        let log = logPath(persistence)
        let lines = FileManager.default.contents(atPath: log) ?? Data()
        var replayed = 0
        for line in lines.split(separator: UInt8(ascii: "\n")) {
            // A line cut short can only be the last one written: the world stops there.
            guard let change = try? JSONDecoder().decode(Change.self, from: Data(line)) else { break }
            saved.apply(change)
            replayed += 1
        }
        let now = clock.now
        let wallNow = Date()
        func instant(_ date: Date) -> ContinuousClock.Instant {
            now + .milliseconds(Int(date.timeIntervalSince(wallNow) * 1000))
        }
        var loaded = Loaded(nextAddress: saved.nextAddress, nextOperation: saved.nextOperation ?? 1)
        loaded.groups = saved.groups
        for (key, body) in saved.resources {
            var stored = Stored(body: body, ready: now, operation: nil, sharedKey: saved.sharedKeys[key])
            if let flight = saved.inFlight?[key] {
                stored.ready = instant(flight.ready)
                stored.operation = flight.operation
                stored.gone = flight.gone.map(instant)
            } else if case .map(var properties)? = body["properties"], properties["provisioningState"] == "Updating" {
                // The first form kept no deadlines: what was running has finished.
                properties["provisioningState"] = "Succeeded"
                stored.body["properties"] = .map(properties)
            }
            loaded.resources[key] = stored
        }
        for (id, op) in saved.operations ?? [:] {
            loaded.operations[id] = Operation(
                id: id,
                resourceKey: op.resourceKey,
                done: instant(op.done),
                fails: op.fails,
                result: op.result
            )
        }
        if replayed > 0 || !lines.isEmpty {
            if writeSnapshot(saved, to: persistence) != nil { try? FileManager.default.removeItem(atPath: log) }
        }
        return loaded
    }

    /// Writes a snapshot atomically (temp file, rename); its size, nil when it failed.
    @discardableResult
    static func writeSnapshot(_ snapshot: Saved, to persistence: String) -> Int? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(snapshot) else { return nil }
        let directory = (persistence as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temp = persistence + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]),
            rename(temp, persistence) == 0
        else { return nil }
        return data.count
    }

    func wallClock(_ instant: ContinuousClock.Instant) -> Date {
        let (seconds, attoseconds) = (instant - clock.now).components
        return Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
    }

    func saved(_ stored: Stored) -> SavedResource {
        let stored = settling(stored) ?? stored
        let running = stored.ready > clock.now || stored.gone != nil
        return SavedResource(
            body: stored.body,
            sharedKey: stored.sharedKey,
            inFlight: running
                ? InFlight(
                    ready: wallClock(stored.ready),
                    operation: stored.operation,
                    gone: stored.gone.map(wallClock)
                )
                : nil
        )
    }

    func saved(_ op: Operation) -> SavedOperation {
        SavedOperation(resourceKey: op.resourceKey, done: wallClock(op.done), fails: op.fails, result: op.result)
    }

    /// Appends what changed since the last save to the log (one line), or folds the world
    /// into a new snapshot once the log has outgrown it.
    func save() {
        let keys = resources.takeChanges()
        let groupKeys = changedGroups
        let operationIds = changedOperations
        changedGroups = []
        changedOperations = []
        guard let persistence, !(keys.isEmpty && groupKeys.isEmpty && operationIds.isEmpty) else { return }
        var change = Change(
            resources: [:],
            groups: [:],
            operations: [:],
            nextAddress: nextAddress,
            nextOperation: nextOperation
        )
        for key in keys { change.resources[key] = .some(resources[key].map(saved)) }
        for key in groupKeys { change.groups[key] = .some(groups[key]) }
        for id in operationIds { change.operations[id] = operations[id].map(saved) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(change) else { return }
        line.append(UInt8(ascii: "\n"))
        if logBytes + line.count > max(4 << 20, snapshotBytes) {
            compact()
        } else if Self.append(line, to: Self.logPath(persistence)) {
            logBytes += line.count
        } else {
            compact()
        }
    }

    /// The whole world as a snapshot, and an empty log.
    func compact() {
        guard let persistence else { return }
        var snapshot = Saved(
            groups: groups,
            resources: [:],
            sharedKeys: [:],
            nextAddress: nextAddress,
            nextOperation: nextOperation,
            inFlight: [:],
            operations: [:]
        )
        for (key, stored) in resources {
            let entry = saved(stored)
            snapshot.resources[key] = entry.body
            snapshot.sharedKeys[key] = entry.sharedKey
            snapshot.inFlight?[key] = entry.inFlight
        }
        // Operations are kept while they run and an hour after: ARM forgets them too.
        let horizon = clock.now - .seconds(3600)
        for (id, op) in operations where op.done > horizon { snapshot.operations?[id] = saved(op) }
        guard let size = Self.writeSnapshot(snapshot, to: persistence) else { return }
        snapshotBytes = size
        try? FileManager.default.removeItem(atPath: Self.logPath(persistence))
        logBytes = 0
    }

    /// Appends one line with a single write (O_APPEND), the file readable by its owner only.
    static func append(_ line: Data, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return line.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}

extension AzureModel.Saved {
    mutating func apply(_ change: AzureModel.Change) {
        for (key, entry) in change.resources {
            if let entry {
                resources[key] = entry.body
                sharedKeys[key] = entry.sharedKey
                if inFlight == nil { inFlight = [:] }
                inFlight?[key] = entry.inFlight
            } else {
                resources[key] = nil
                sharedKeys[key] = nil
                inFlight?[key] = nil
            }
        }
        for (key, group) in change.groups { groups[key] = group }
        if operations == nil { operations = [:] }
        for (id, op) in change.operations { operations?[id] = op }
        nextAddress = change.nextAddress
        nextOperation = change.nextOperation
    }
}
