public import Cisco
internal import Foundation

/// One simulated router: its running and startup configs, shared by every session on it.
///
/// The running config is a real tree that the commands change; `show running-config`
/// prints it the way IOS does. What IOS would show of SAs, routes and BGP comes from
/// `status`, a hook the lab connects to the Azure model.
public final class IOSDevice: @unchecked Sendable {
    /// The outputs of the operational `show` commands, by command (`show crypto ikev2 sa`).
    public typealias Status = @Sendable (_ command: String, _ device: IOSDevice) -> String?

    private let lock = NSLock()
    private var running: IOSConfig
    private var startup: IOSConfig
    public let platform: String
    public let model: String
    public let software: String
    let status: Status?

    public init(
        config: IOSConfig = IOSConfig(),
        platform: String = "ios",
        model: String = "C891FJ-K9",
        software: String = "15.4(1)T1",
        status: Status? = nil
    ) {
        running = config
        startup = config
        self.platform = platform
        self.model = model
        self.software = software
        self.status = status
    }

    /// The running config, as `show running-config` would print it (a copy).
    public var runningConfig: IOSConfig { lock.withLock { running } }
    public var startupConfig: IOSConfig { lock.withLock { startup } }

    /// The hostname the prompt shows (`Router` until one is set).
    public var hostname: String {
        runningConfig.lines.first { $0.text.hasPrefix("hostname ") }.map { String($0.text.dropFirst(9)) } ?? "Router"
    }

    func change(_ body: (inout IOSConfig) -> Void) {
        lock.withLock { body(&running) }
    }

    func save() {
        lock.withLock { startup = running }
    }
}
