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

    /// Where the running config is kept between runs (`.reconcile/lab/devices/NAME.cfg`).
    let persistence: String?

    /// A device; with `persistence`, every change is written to that file, atomically.
    public init(
        config: IOSConfig = IOSConfig(),
        platform: String = "ios",
        model: String = "C891FJ-K9",
        software: String = "15.4(1)T1",
        persistence: String? = nil,
        status: Status? = nil
    ) {
        running = config
        startup = config
        self.persistence = persistence
        self.platform = platform
        self.model = model
        self.software = software
        self.status = status
    }

    /// The device kept in `path` (`.reconcile/lab/devices/NAME.cfg`): its config read from the
    /// file when there is one (a file that does not parse is an error, never silently
    /// replaced), or `config` for a new device.
    public static func persisted(
        at path: String,
        config: IOSConfig = IOSConfig(),
        platform: String = "ios",
        status: Status? = nil
    ) throws(IOSParseError) -> IOSDevice {
        var initial = config
        if let data = FileManager.default.contents(atPath: path) {
            initial = try IOSParser.parse(String(decoding: data, as: UTF8.self))
        }
        return IOSDevice(config: initial, platform: platform, persistence: path, status: status)
    }

    /// The running config, as `show running-config` would print it (a copy).
    public var runningConfig: IOSConfig { lock.withLock { running } }
    public var startupConfig: IOSConfig { lock.withLock { startup } }

    /// The hostname the prompt shows (`Router` until one is set).
    public var hostname: String {
        runningConfig.lines.first { $0.text.hasPrefix("hostname ") }.map { String($0.text.dropFirst(9)) } ?? "Router"
    }

    func change(_ body: (inout IOSConfig) -> Void) {
        let text = lock.withLock {
            body(&running)
            return running.render()
        }
        guard let persistence else { return }
        let directory = (persistence as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = persistence + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        _ = rename(temporary, persistence)
    }

    func save() {
        lock.withLock { startup = running }
    }
}
