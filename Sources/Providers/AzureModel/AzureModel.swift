internal import Foundation
public import Spec

/// The local Azure model: an ARM-compatible emulator of the networking resources the
/// tool manages, with Azure's rules and error codes, long-running operations whose
/// duration is scaled by `timeScale`, and fault injection. The same ARM client that talks
/// to Azure talks to it, over HTTP on loopback (`AzureModelServer`).
public actor AzureModel {
    public struct Faults: Sendable {
        /// Every Nth request answers 429 with Retry-After: 1.
        public var throttleEvery: Int?
        /// Every Nth request answers 500.
        public var serverErrorEvery: Int?
        /// Every Nth write (PUT, PATCH, DELETE) answers 409 AnotherOperationInProgress, as ARM
        /// does while another operation holds the resource or its gateway.
        public var conflictEvery: Int?
        /// Every Nth request is carried out, but the connection drops before the answer is
        /// complete: the client cannot know whether it took effect.
        public var dropEvery: Int?
        /// Long-running operations on these types end Failed.
        public var failingTypes: Set<String>
        /// Added to every answer (a slow network, a busy region).
        public var latency: Duration

        public init(
            throttleEvery: Int? = nil,
            serverErrorEvery: Int? = nil,
            conflictEvery: Int? = nil,
            dropEvery: Int? = nil,
            failingTypes: Set<String> = [],
            latency: Duration = .zero
        ) {
            self.throttleEvery = throttleEvery
            self.serverErrorEvery = serverErrorEvery
            self.conflictEvery = conflictEvery
            self.dropEvery = dropEvery
            self.failingTypes = failingTypes
            self.latency = latency
        }
    }

    public struct Options: Sendable {
        /// Real provisioning durations are multiplied by this (a VPN gateway takes 45 min).
        public var timeScale: Double
        public var pageSize: Int
        public var faults: Faults
        /// The versions every type accepts, for tests; nil (the default) accepts what Azure
        /// publishes for each type (`APIVersions`).
        public var apiVersions: Set<String>?

        public init(
            timeScale: Double = 0.0005,
            pageSize: Int = 100,
            faults: Faults = Faults(),
            apiVersions: Set<String>? = nil
        ) {
            self.timeScale = timeScale
            self.pageSize = pageSize
            self.faults = faults
            self.apiVersions = apiVersions
        }
    }

    struct Stored: Sendable {
        /// The resource as GET returns it (ARM JSON).
        var body: Attributes
        /// When its provisioning finishes.
        var ready: ContinuousClock.Instant
        var operation: String?
        /// When a DELETE in progress removes it.
        var gone: ContinuousClock.Instant?
        /// A connection's shared key; never in GET bodies (ARM returns it only from /sharedkey).
        var sharedKey: String?
    }

    struct Operation: Sendable {
        var id: String
        var resourceKey: String
        var done: ContinuousClock.Instant
        var fails: Bool
        /// What a finished POST action answers (routes).
        var result: Attributes? = nil
    }

    public nonisolated let options: Options
    let clock = ContinuousClock()
    var groups: [String: Attributes] = [:]
    var resources = ResourceTable() {
        didSet { typeIndex = nil }
    }
    /// Resource keys by lower-cased type, sorted; rebuilt after any change to `resources`.
    var typeIndex: [String: [String]]?
    var operations: [String: Operation] = [:]
    var nextAddress = 10
    /// Prefixes each BGP peer announces (lower-cased peer address or circuit id), set by the lab.
    var announcements: [String: [String]] = [:]
    var nextOperation = 1
    /// Requests answered, for tests that count round trips.
    public private(set) var requestCount = 0
    /// The last client assertion (a JWT) presented to the token endpoint, for tests.
    public private(set) var lastClientAssertion: String?
    /// PUTs received, by resource path (lower-cased), for tests of resumed operations.
    public private(set) var puts: [String: Int] = [:]

    /// Where the world is saved (`.reconcile/lab/azure.json`, its log beside it), if anywhere.
    let persistence: String?
    /// Groups and operations changed since the last save (resources keep their own).
    var changedGroups: Set<String> = []
    var changedOperations: Set<String> = []
    /// The log's and the last snapshot's sizes, to know when to fold the log in.
    var logBytes = 0
    var snapshotBytes = 0

    /// A model, loaded from `persistence` (and its log) when that file exists.
    ///
    /// Operations still running when the world was saved go on to their deadlines.
    public init(options: Options = Options(), persistence: String? = nil) {
        self.options = options
        self.persistence = persistence
        if let persistence {
            let loaded = Self.load(persistence, clock: clock)
            groups = loaded.groups
            resources = ResourceTable(loaded.resources)
            operations = loaded.operations
            nextAddress = loaded.nextAddress
            nextOperation = loaded.nextOperation
            snapshotBytes = (try? FileManager.default.attributesOfItem(atPath: persistence)[.size] as? Int) ?? 0
        }
    }

    // MARK: The lab's link to its routers

    /// What the lab sees of the world after every change: each resource's body by id, the
    /// connections' shared keys by id, and the prefixes Azure advertises over each connection
    /// (by its id), by Azure's rules.
    public typealias Observer =
        @Sendable (
            _ resources: [String: Attributes], _ sharedKeys: [String: String], _ advertised: [String: [String]]
        ) -> Void
    /// What the lab's routers announce over BGP now, by the on-prem peering address Azure knows.
    public typealias Announcements = @Sendable () -> [String: [String]]
    /// A connection's live status (`Connected` when the router at the other end agrees), by id.
    public typealias LinkStatus = @Sendable (_ id: String) -> (status: String, bytesIn: Int, bytesOut: Int)?

    var observer: Observer?
    var linkStatus: LinkStatus?
    var labAnnouncements: Announcements?

    /// Connects the lab: `observer` hears of every change (and of the world as it is now),
    /// `status` answers for a connection's `connectionStatus` when it is read, and
    /// `announcements` says what the routers' BGP sessions announce.
    public func link(
        observer: @escaping Observer,
        status: @escaping LinkStatus,
        announcements: @escaping Announcements
    ) {
        self.observer = observer
        linkStatus = status
        labAnnouncements = announcements
        publish()
    }

    func publish() {
        guard let observer else { return }
        var bodies: [String: Attributes] = [:]
        var keys: [String: String] = [:]
        for key in resources.keys {
            guard let stored = current(key) else { continue }
            bodies[key] = stored.body
            if let shared = stored.sharedKey { keys[key] = shared }
        }
        observer(bodies, keys, advertisedToSites())
    }

    /// A body as read: a connection's status from the link, when the lab has one.
    func live(_ body: Attributes, key: String) -> Attributes {
        guard let linkStatus, let (status, bytesIn, bytesOut) = linkStatus(key), case .map(var p)? = body["properties"]
        else { return body }
        var body = body
        p["connectionStatus"] = .string(status)
        p["ingressBytesTransferred"] = .int(bytesIn)
        p["egressBytesTransferred"] = .int(bytesOut)
        body["properties"] = .map(p)
        return body
    }

    /// Handles one ARM request; a change is saved before the answer goes out.
    public func handle(_ request: ARMRequest) -> ARMResponse {
        var answer = route(request)
        if request.method != "GET" {
            save()
            if answer.status < 300 { publish() }
        }
        if let every = options.faults.dropEvery, requestCount % every == 0 { answer.dropConnection = true }
        return answer
    }

    func route(_ request: ARMRequest) -> ARMResponse {
        requestCount += 1
        if request.method == "PUT" { puts[request.path.lowercased(), default: 0] += 1 }
        if request.method == "POST" && request.path.hasSuffix("/oauth2/v2.0/token") { return issueToken(request) }
        if let every = options.faults.throttleEvery, requestCount % every == 0 {
            return error(429, "TooManyRequests", "The request is being throttled.", headers: ["Retry-After": "1"])
        }
        if let every = options.faults.serverErrorEvery, requestCount % every == 0 {
            return error(500, "InternalServerError", "An injected server error.")
        }
        if let every = options.faults.conflictEvery, request.method != "GET", requestCount % every == 0 {
            return error(
                409,
                "AnotherOperationInProgress",
                "Another operation on this or dependent resource is in progress (an injected fault)."
            )
        }
        guard let version = request.query["api-version"] else {
            return error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests."
            )
        }
        guard let auth = request.headers["authorization"], auth.lowercased().hasPrefix("bearer "), auth.count > 7 else {
            return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
        }
        guard let path = ARMPath(request.path) else {
            return error(404, "InvalidResourceType", "The resource path '\(request.path)' is not served by the model.")
        }
        if let refused = unknownType(in: path, method: request.method, request) { return refused }
        if let refused = unsupportedVersion(version, path, request) { return refused }
        switch (request.method, path) {
        case ("PUT", .resourceGroup(let sub, let group)): return putGroup(sub, group, request)
        case ("GET", .resourceGroup(_, let group)): return getGroup(group)
        case ("DELETE", .resourceGroup(let sub, let group)): return deleteGroup(sub, group, request)
        case ("GET", .groups(let sub)): return listGroups(sub, request)
        case ("GET", .subscriptionList(let sub, let type)): return list(subscription: sub, type: type, request)
        case ("GET", .list(let sub, let group, let type)):
            return list(prefix: Self.id(sub, group, type, nil).lowercased() + "/", request)
        case ("PUT", .resource(let sub, let group, let type, let name)):
            return put(id: Self.id(sub, group, type, name), name: name, type: type, group: group, request)
        case ("GET", .resource(let sub, let group, let type, let name)): return get(Self.id(sub, group, type, name))
        case ("DELETE", .resource(let sub, let group, let type, let name)):
            return delete(Self.id(sub, group, type, name), type: type, request)
        case ("PATCH", .resource(let sub, let group, let type, let name)):
            return patchTags(Self.id(sub, group, type, name), request)
        case ("POST", .childList(let sub, let group, let type, let name, let action)):
            return post(action: action, on: Self.id(sub, group, type, name), request)
        case ("POST", .childAction(let sub, let group, let type, let name, let child, let childName, let action)):
            return post(action: action, on: Self.id(sub, group, type, name) + "/\(child)/\(childName)", request)
        case ("GET", .childList(let sub, let group, let type, let name, let child)):
            return list(prefix: Self.id(sub, group, type, name).lowercased() + "/\(child.lowercased())/", request)
        case ("PUT", .child(let sub, let group, let type, let name, let child, let childName)):
            if let list = Self.inlineList(parentType: type, child: child) {
                let parent = Self.id(sub, group, type, name)
                return putInline(parentId: parent, parentType: type, list: list, name: childName, group: group, request)
            }
            return put(
                id: Self.id(sub, group, type, name) + "/\(child)/\(childName)",
                name: childName,
                type: "\(type)/\(child)",
                group: group,
                request
            )
        case ("GET", .child(let sub, let group, let type, let name, let child, let childName)):
            return get(Self.id(sub, group, type, name) + "/\(child)/\(childName)")
        case ("DELETE", .child(let sub, let group, let type, let name, let child, let childName)):
            if let list = Self.inlineList(parentType: type, child: child) {
                let parent = Self.id(sub, group, type, name)
                return deleteInline(parentId: parent, parentType: type, list: list, name: childName, request)
            }
            return delete(Self.id(sub, group, type, name) + "/\(child)/\(childName)")
        case ("GET", .sharedKey(let sub, let group, let name)):
            guard let stored = resources[Self.id(sub, group, "connections", name).lowercased()] else {
                return notFound("connections", name, group)
            }
            return json(200, ["value": .string(stored.sharedKey ?? "")])
        case ("PUT", .sharedKey(let sub, let group, let name)):
            return putSharedKey(Self.id(sub, group, "connections", name), name: name, group: group, request)
        case ("GET", .operation(_, _, let id)): return operationStatus(id)
        case ("GET", .operationResult(_, _, let id)), ("GET", .subscriptionOperationResult(_, let id)):
            return operationResult(id)
        default:
            return error(405, "MethodNotAllowed", "\(request.method) is not supported on \(request.path).")
        }
    }

    /// The model doubles as an OAuth2 authority for tests of the client-credentials flow.
    func issueToken(_ request: ARMRequest) -> ARMResponse {
        let form = String(decoding: request.body, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        let proven = fields["client_secret"] != nil || fields["client_assertion"] != nil
        guard fields["grant_type"] == "client_credentials", fields["client_id"] != nil, proven else {
            return json(400, ["error": "invalid_request", "error_description": "client credentials are required"])
        }
        lastClientAssertion = fields["client_assertion"]
        return json(
            200,
            ["access_token": .string("lab-\(UUID().uuidString)"), "token_type": "Bearer", "expires_in": 3600]
        )
    }

    /// The subscription the lab's docs and examples use; the model accepts any.
    public static let labSubscription = "00000000-0000-0000-0000-000000000000"

    static func id(_ sub: String, _ group: String, _ type: String, _ name: String?) -> String {
        "/subscriptions/\(sub)/resourceGroups/\(group)/providers/Microsoft.Network/\(type)"
            + (name.map { "/\($0)" } ?? "")
    }

    // MARK: Answers

    func json(_ status: Int, _ body: Attributes, headers: [String: String] = [:]) -> ARMResponse {
        var all = headers
        all["Content-Type"] = "application/json; charset=utf-8"
        all["x-ms-request-id"] = UUID().uuidString.lowercased()
        return ARMResponse(status: status, headers: all, body: Array(JSONOutput.encode(Value.map(body)).utf8))
    }

    func error(_ status: Int, _ code: String, _ message: String, headers: [String: String] = [:]) -> ARMResponse {
        json(status, ["error": .map(["code": .string(code), "message": .string(message)])], headers: headers)
    }

    func notFound(_ type: String, _ name: String, _ group: String) -> ARMResponse {
        error(
            404,
            "ResourceNotFound",
            "The Resource 'Microsoft.Network/\(type)/\(name)' under resource group '\(group)' was not found."
        )
    }

    // MARK: Resource groups

    func putGroup(_ sub: String, _ group: String, _ request: ARMRequest) -> ARMResponse {
        if let refused = invalidGroupName(group) { return refused }
        guard let body = decode(request.body), case .string(let location)? = body["location"] else {
            return error(400, "InvalidRequestContent", "A resource group needs a location.")
        }
        let created = groups[group.lowercased()] == nil
        var stored: Attributes = [
            "id": .string("/subscriptions/\(sub)/resourceGroups/\(group)"), "name": .string(group),
            "type": "Microsoft.Resources/resourceGroups", "location": .string(location),
            "properties": .map(["provisioningState": "Succeeded"]),
        ]
        if let tags = body["tags"] { stored["tags"] = tags }
        groups[group.lowercased()] = stored
        changedGroups.insert(group.lowercased())
        return json(created ? 201 : 200, stored)
    }

    func getGroup(_ group: String) -> ARMResponse {
        guard let stored = groups[group.lowercased()] else {
            return error(404, "ResourceGroupNotFound", "Resource group '\(group)' could not be found.")
        }
        return json(200, stored)
    }

    /// DELETE of a group: it and everything it holds go, answered as ARM does (202 and a
    /// subscription-level `Location` to poll until 200); a GET of the group or of what it held
    /// is 404 from then on.
    func deleteGroup(_ sub: String, _ group: String, _ request: ARMRequest) -> ARMResponse {
        guard groups.removeValue(forKey: group.lowercased()) != nil else { return ARMResponse(status: 204) }
        changedGroups.insert(group.lowercased())
        for key in resources.keys
        where key.hasPrefix("/subscriptions/")
            && key.contains("/resourcegroups/\(group.lowercased())/")
        {
            resources[key] = nil
        }
        let id = "/subscriptions/\(sub)/resourceGroups/\(group)"
        let opId = startOperation(id.lowercased(), done: clock.now)
        let version = request.query["api-version"] ?? ""
        return ARMResponse(
            status: 202,
            headers: [
                "Location": "\(request.base)/subscriptions/\(sub)/operationresults/\(opId)?api-version=\(version)",
                "Retry-After": "1",
            ]
        )
    }

    /// The subscription's groups, sorted by name.
    func listGroups(_ sub: String, _ request: ARMRequest) -> ARMResponse {
        let prefix = "/subscriptions/\(sub.lowercased())/"
        let value = groups.keys.sorted().compactMap { key -> Value? in
            guard let group = groups[key], case .string(let id)? = group["id"], id.lowercased().hasPrefix(prefix)
            else { return nil }
            return .map(group)
        }
        return json(200, ["value": .list(value)])
    }

    func decode(_ bytes: [UInt8]) -> Attributes? {
        guard !bytes.isEmpty, case .map(let map)? = try? JSONDecoder().decode(Value.self, from: Data(bytes)) else {
            return nil
        }
        return map
    }
}
