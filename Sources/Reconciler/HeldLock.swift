internal import Dispatch
internal import Foundation
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The state lock while this process holds it.
///
/// Released by `release()` or, when SIGINT, SIGTERM or SIGHUP ends the process first (Ctrl-C,
/// a cancelled CI job, a closed terminal), by the signal's handler: the next run then needs no
/// `state unlock`. What the run applied is already in the journal; the process still dies of the signal.
public final class HeldLock: Sendable {
    private let backend: any StateBackend
    private let id: Int
    /// The lock this one replaced: its process had died on this host (a kill -9, a power cut).
    public let tookOver: LockInfo?

    private init(backend: any StateBackend, id: Int, tookOver: LockInfo?) {
        self.backend = backend
        self.id = id
        self.tookOver = tookOver
    }

    /// Takes the backend's lock for this process, running `command`.
    ///
    /// A lock whose holder provably no longer runs (`StateBackend.lockEnded`: by default, taken
    /// on this host by a process that is gone) is taken over, so a run killed with SIGKILL converges on the next run with no
    /// `state unlock`; a lock from another host, or one whose holder cannot be read, is not.
    public static func acquire(_ backend: any StateBackend, command: String) throws(StateError) -> HeldLock {
        var tookOver: LockInfo?
        do {
            do {
                try backend.lock(LockInfo.current(command: command))
            } catch StateError.locked(let holder, stale: true) where backend.lockEnded(holder) {
                guard try backend.breakLock(ifHeldBy: holder) else { throw StateError.locked(holder, stale: false) }
                tookOver = holder
                try backend.lock(LockInfo.current(command: command))
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw .io("\(error)")
        }
        // Only once it is ours: a handler must never remove another process's lock.
        return HeldLock(backend: backend, id: SignalRelease.shared.add(backend), tookOver: tookOver)
    }

    /// Releases the lock (once; later calls do nothing).
    public func release() {
        guard SignalRelease.shared.remove(id) else { return }
        try? backend.unlock()
    }
}

/// The locks this process holds, and the signal handlers that release them, installed while
/// there is one.
private final class SignalRelease: Sendable {
    static let shared = SignalRelease()
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    private struct State {
        var held: [Int: any StateBackend] = [:]
        var next = 0
        /// Made, kept and cancelled only under the lock: they are not Sendable on every platform.
        var sources: [any DispatchSourceSignal] = []
    }
    private let state = Mutex(State())

    func add(_ backend: any StateBackend) -> Int {
        state.withLock { state in
            if state.held.isEmpty { install(&state) }
            state.next += 1
            state.held[state.next] = backend
            return state.next
        }
    }

    /// Whether `id` was still held.
    func remove(_ id: Int) -> Bool {
        state.withLock { state in
            guard state.held.removeValue(forKey: id) != nil else { return false }
            if state.held.isEmpty { uninstall(&state) }
            return true
        }
    }

    private func install(_ state: inout State) {
        for number in Self.signals {
            // Ignored, so that only the dispatch source sees it (libdispatch's own advice).
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in fire(number) }
            source.resume()
            state.sources.append(source)
        }
    }

    private func uninstall(_ state: inout State) {
        for source in state.sources { source.cancel() }
        state.sources = []
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    /// Releases every held lock, then lets the signal end the process as it would have.
    private func fire(_ number: Int32) {
        let backends = state.withLock { state in
            defer { state.held = [:] }
            return Array(state.held.values)
        }
        for backend in backends { try? backend.unlock() }
        signal(number, SIG_DFL)
        // libdispatch may block the signal on its threads (SIGINT was left pending, and the
        // process ended by `_exit` instead of the signal): unblock it on this one and raise it
        // here, so the default action ends the process as the signal would have.
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, number)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(number)
        // Should the signal be blocked on every thread, exit as a shell reports that signal.
        usleep(200_000)
        _exit(128 + number)
    }
}
