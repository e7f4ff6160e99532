internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import PostgresNIO
internal import Reconciler
internal import Synchronization

/// One connection to the server, used from ordinary threads.
///
/// The state backend's protocol is synchronous: each call here blocks its caller on a future
/// that the session's own one-thread event loop group completes. Never call it from an event
/// loop (NIO traps a wait there).
final class PostgresSession: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger: Logger
    private let closed = Mutex(false)
    let location: PostgresLocation

    /// Connects, or throws `StateError.io` naming the location (never its password) and why.
    init(_ location: PostgresLocation) throws {
        self.location = location
        // The driver logs at debug and trace only; nothing of it belongs in a run's output.
        logger = Logger(label: "reconcile.state.postgres") { _ in SwiftLogNoOpLogHandler() }
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try location.configuration()
        } catch {
            throw StateError.io(error.description)
        }
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            connection = try PostgresConnection.connect(
                on: group.next(),
                configuration: configuration,
                id: 1,
                logger: logger
            ).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StateError.io(PostgresStateError.connect(location.description, Self.describe(error)).description)
        }
    }

    deinit {
        close()
    }

    /// Closes the connection (which frees its session's advisory locks) and stops the loop;
    /// once: after the loop stops, a second close would wait forever.
    func close() {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Runs one statement and returns its rows; a failure is `StateError.io` with the server's message.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            return Array(try connection.query(query, logger: logger).wait().rows)
        } catch {
            throw StateError.io("the PostgreSQL state at \(location): \(Self.describe(error))")
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(
        _ begin: PostgresQuery = "BEGIN",
        _ body: () throws -> T
    ) throws -> T {
        try query(begin)
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// A driver error in words: the server's own message when it sent one (PSQLError's
    /// description is deliberately generic), else what went wrong on the way.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
