internal import Foundation
public import Spec

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// What the last apply left: one record per resource the tool manages.
public struct StateResource: Sendable, Hashable, Codable {
    public var address: ResourceAddress
    public var type: String
    /// The attributes applied, with every secret as `.fingerprint`.
    public var attributes: Attributes
    public var outputs: Attributes
    public var dependencies: [ResourceAddress]

    public init(
        address: ResourceAddress,
        type: String,
        attributes: Attributes,
        outputs: Attributes,
        dependencies: [ResourceAddress]
    ) {
        self.address = address
        self.type = type
        self.attributes = attributes
        self.outputs = outputs
        self.dependencies = dependencies
    }
}

/// The state document.
///
/// Never holds a secret: keyed fingerprints only.
public struct State: Sendable, Codable {
    public static let formatVersion = 1

    public var formatVersion = State.formatVersion
    /// Identifies this state across its versions; a plan from another lineage is refused.
    public var lineage: String
    /// Increases with every apply that changed something.
    public var serial: Int
    /// The spec's git commit at the last apply, when the spec is in a repository.
    public var specCommit: String?
    public var resources: [String: StateResource]
    /// Where traffic went after the last apply (the routing analysis's summary), so that a plan
    /// can show how it moves; nil before the first apply that recorded it.
    public var routing: [String: RoutingLine]?
    /// The addresses the allocation pass chose at the last apply (key → CIDR): pins the next
    /// run reuses so that nothing applied moves (docs/addresses.md); nil before any.
    public var allocations: [String: String]?

    public init(lineage: String, serial: Int = 0, specCommit: String? = nil, resources: [String: StateResource] = [:]) {
        self.lineage = lineage
        self.serial = serial
        self.specCommit = specCommit
        self.resources = resources
    }

    public subscript(address: ResourceAddress) -> StateResource? {
        get { resources[address.description] }
        set { resources[address.description] = newValue }
    }

    /// Resources sorted by address.
    public var sorted: [StateResource] {
        resources.values.sorted { $0.address < $1.address }
    }
}

/// Who holds the lock, for the message another run prints.
public struct LockInfo: Sendable, Codable, Equatable {
    public var holder: String
    public var host: String
    public var pid: Int32
    /// ISO 8601.
    public var time: String
    public var command: String
    /// The CI job the run belongs to (`github RUN/JOB`, `gitlab JOB`, `azure-pipelines BUILD`), when in one.
    public var ciJob: String?

    public init(holder: String, host: String, pid: Int32, time: String, command: String, ciJob: String? = nil) {
        self.holder = holder
        self.host = host
        self.pid = pid
        self.time = time
        self.command = command
        self.ciJob = ciJob
    }

    /// The CI job named by the environment (GitHub Actions, GitLab CI, Azure Pipelines), if any.
    public static func ciJob(in environment: [String: String]) -> String? {
        if let run = environment["GITHUB_RUN_ID"], !run.isEmpty {
            return "github \(run)" + (environment["GITHUB_JOB"].map { "/\($0)" } ?? "")
        }
        if let job = environment["CI_JOB_ID"], !job.isEmpty { return "gitlab \(job)" }
        if let build = environment["BUILD_BUILDID"], !build.isEmpty { return "azure-pipelines \(build)" }
        return nil
    }

    /// How long the lock has been held, as `3m12s`; nil when its time does not read.
    public var age: String? { age(now: Date()) }

    func age(now: Date) -> String? {
        guard let taken = ISO8601DateFormatter().date(from: time) else { return nil }
        let seconds = max(0, Int(now.timeIntervalSince(taken)))
        if seconds >= 3600 { return "\(seconds / 3600)h\(seconds % 3600 / 60)m" }
        return seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
    }

    /// Whether the lock's process has provably ended: it was taken on this host, and no
    /// process of its pid runs (a reused pid makes it look alive: the safe direction).
    public static func diedHere(_ info: LockInfo) -> Bool {
        guard info.pid > 0, info.host == ProcessInfo.processInfo.hostName else { return false }
        return kill(info.pid, 0) != 0 && errno == ESRCH
    }

    /// This process, running `command`: the user is the uid's name (`$USER` is often unset in CI
    /// containers and cron), then `$USER`, then `uid N`.
    public static func current(command: String) -> LockInfo {
        let uid = getuid()
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return LockInfo(
            holder: name ?? ProcessInfo.processInfo.environment["USER"] ?? "uid \(uid)",
            host: ProcessInfo.processInfo.hostName,
            pid: getpid(),
            time: ISO8601DateFormatter().string(from: Date()),
            command: command,
            ciJob: ciJob(in: ProcessInfo.processInfo.environment)
        )
    }
}

/// Where state lives.
///
/// The local backend keeps it under `.reconcile/`; a shared backend (blob storage with leases, say) implements
/// the same protocol.
public protocol StateBackend: Sendable {
    /// Reads the state, replaying what a run that crashed had recorded. Nil when none exists.
    func load() throws -> State?
    /// Takes the lock, or throws `StateError.locked` with the holder.
    func lock(_ info: LockInfo) throws
    func unlock() throws
    /// Who holds the lock, if anyone.
    func lockHolder() throws -> LockInfo?
    /// Removes the lock only if `holder` still holds it, atomically with respect to every other
    /// process breaking it (so two runs that find one stale lock never both take it over);
    /// whether it was removed.
    func breakLock(ifHeldBy holder: LockInfo) throws -> Bool
    /// Records one resource's new state (nil: it was deleted) durably before returning, so a
    /// crash loses at most the resource in flight.
    func record(_ address: ResourceAddress, _ resource: StateResource?) throws
    /// Writes a whole new state atomically, keeping the previous one as a backup.
    func commit(_ state: State) throws
    /// The per-state key that keys secret fingerprints.
    func fingerprintKey() throws -> [UInt8]
    /// Whether the run that holds `holder`'s lock has provably ended, so the lock may be taken
    /// over with no `state unlock` (by default: taken on this host by a process that is gone).
    func lockEnded(_ holder: LockInfo) -> Bool
    /// Makes `key` this state's fingerprint key (`reconcile state migrate`: the fingerprints
    /// copied were made with it); refuses when the backend already holds a different one.
    func adoptFingerprintKey(_ key: [UInt8]) throws
}

extension StateBackend {
    public func lockEnded(_ holder: LockInfo) -> Bool {
        holder.pid > 0 && LockInfo.diedHere(holder)
    }

    public func adoptFingerprintKey(_ key: [UInt8]) throws {
        guard try fingerprintKey() == key else {
            throw StateError.io("the target already holds another fingerprint key; nothing was copied")
        }
    }
}

/// Why state could not be used.
///
/// Messages say what to do.
public enum StateError: Error, Sendable, CustomStringConvertible, Equatable {
    case locked(LockInfo, stale: Bool)
    case notLocked
    case corrupt(String)
    case io(String)

    public var description: String {
        switch self {
        case .locked(let info, let stale):
            let job = info.ciJob.map { ", CI job \($0)" } ?? ""
            let running = info.age.map { "for \($0) (since \(info.time))" } ?? "since \(info.time)"
            let who = "\(info.holder)@\(info.host), pid \(info.pid)\(job), running '\(info.command)' \(running)"
            return stale
                ? "the state is locked by \(who), which is no longer running; run `reconcile state unlock` to break the stale lock"
                : "the state is locked by \(who); wait for it to finish"
        case .notLocked: return "the state is not locked"
        case .corrupt(let why): return "the state cannot be read: \(why)"
        case .io(let why): return why
        }
    }
}
