import Foundation
import Spec

extension AzureModel {
    /// Real provisioning times (seconds) of the types that take long; others finish at once.
    static let durations: [String: Double] = [
        "virtualnetworkgateways": 45 * 60, "connections": 60, "virtualhubs": 30 * 60, "vpngateways": 30 * 60,
        "expressroutegateways": 30 * 60, "azurefirewalls": 10 * 60,
    ]

    func put(id: String, name: String, type: String, group: String, _ request: ARMRequest) -> ARMResponse {
        guard groups[group.lowercased()] != nil else {
            return error(404, "ResourceGroupNotFound", "Resource group '\(group)' could not be found.")
        }
        let key = id.lowercased()
        // The name as decoded (`..%2F..` is one segment, `../..`): checked before it joins an id.
        if let refused = invalidName(name) { return refused }
        if let existing = resources[key], existing.ready > clock.now {
            let op = existing.operation.map { operationURL(request, id: id, $0, status: true) } ?? "unknown"
            return error(
                409,
                "AnotherOperationInProgress",
                "Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: \(op)"
            )
        }
        if let refused = unmetPrecondition(request, current: resources[key]) { return refused }
        guard var body = decode(request.body) else {
            return error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        if let refused = malformed(body, id: id) { return refused }
        let baseType = type.split(separator: "/").first.map(String.init) ?? type
        var properties: Attributes = [:]
        if case .map(let given)? = body["properties"] { properties = given }
        // Read-only fields sent by a client are ignored, as ARM does.
        for field in ["provisioningState", "resourceGuid", "connectionStatus", "ipAddress"] { properties[field] = nil }
        if let problem = validate(baseType: baseType.lowercased(), properties: properties, id: id, group: group) {
            return problem
        }
        // Checked after the body's own rules, which judge it whether or not the parent exists.
        if type.contains("/"), current(Self.parent(key)) == nil { return parentNotFound(Self.parent(id)) }
        // Secrets are kept aside, never in an answer (ARM returns a connection's key only
        // from /sharedkey, and no link keys or authorization keys at all).
        var sharedKey: String?
        if baseType.lowercased() == "connections", case .string(let key)? = properties["sharedKey"] { sharedKey = key }
        properties = Self.withoutSecrets(properties)
        computed(baseType: baseType.lowercased(), id: id, existing: resources[key]?.body, properties: &properties)
        Self.keepAbsentLists(&properties, type: type, existing: resources[key]?.body)
        let seconds = (Self.durations[baseType.lowercased()] ?? 0) * options.timeScale
        let ready = clock.now + .milliseconds(Int(seconds * 1000))
        let async = seconds > 0
        properties["provisioningState"] = async ? "Updating" : "Succeeded"
        let etag = "W/\"\(UUID().uuidString.lowercased())\""
        Self.decorateNested(
            &properties,
            type: type,
            id: id,
            etag: etag,
            state: properties["provisioningState"] ?? .null
        )
        body["properties"] = .map(properties)
        body["id"] = .string(id)
        body["name"] = .string(name)
        body["type"] = .string("Microsoft.Network/\(type)")
        body["etag"] = .string(etag)
        let created = resources[key] == nil
        var stored = Stored(body: body, ready: ready, operation: nil, sharedKey: sharedKey ?? resources[key]?.sharedKey)
        var headers: [String: String] = [:]
        if async {
            let opId = startOperation(key, done: ready, fails: options.faults.failingTypes.contains(baseType))
            stored.operation = opId
            headers["Azure-AsyncOperation"] = operationURL(request, id: id, opId, status: true)
            headers["Retry-After"] = "1"
        }
        resources[key] = stored
        syncChildRecords(parent: key, type: type, body: body)
        if type.lowercased() == "virtualhubs/ipconfigurations" {
            placeRouter(ipConfiguration: properties, hub: Self.parent(key))
        }
        refreshReferences(parent: type.contains("/") ? Self.parent(key) : key)
        if let refreshed = resources[key], !type.contains("/") {
            return json(created ? 201 : 200, refreshed.body, headers: headers)
        }
        return json(created ? 201 : 200, body, headers: headers)
    }

    func get(_ id: String) -> ARMResponse {
        guard let stored = current(id.lowercased()) else {
            let parts = id.split(separator: "/")
            let group = parts.count > 3 ? String(parts[3]) : "?"
            return notFound(parts.count > 6 ? String(parts[6]) : "?", String(parts.last ?? ""), group)
        }
        return json(200, live(stored.body, key: id.lowercased()))
    }

    /// The stored resource with its provisioning state brought up to date; nil once a
    /// DELETE in progress has finished.
    func current(_ key: String) -> Stored? {
        guard let stored = resources[key] else { return nil }
        if let gone = stored.gone, gone <= clock.now {
            resources[key] = nil
            for child in resources.keys where child.hasPrefix(key + "/") { resources[child] = nil }
            return nil
        }
        guard let done = settling(stored) else { return stored }
        resources[key] = done
        return done
    }

    /// A resource whose operation has ended, as it now reads (Succeeded, or Failed); nil
    /// when it is still running or was settled already.
    func settling(_ stored: Stored) -> Stored? {
        guard stored.ready <= clock.now, case .map(var properties)? = stored.body["properties"],
            properties["provisioningState"] == "Updating"
        else { return nil }
        var stored = stored
        let failed = stored.operation.flatMap { operations[$0]?.fails } ?? false
        properties["provisioningState"] = failed ? "Failed" : "Succeeded"
        if case .string(let type)? = stored.body["type"], case .string(let id)? = stored.body["id"] {
            Self.decorateNested(
                &properties,
                type: String(type.dropFirst("Microsoft.Network/".count)),
                id: id,
                etag: nil,
                state: properties["provisioningState"] ?? .null
            )
        }
        stored.body["properties"] = .map(properties)
        return stored
    }

    /// DELETE: at once for quick types; for types that take long (gateways), 202 with a
    /// `Location` to poll, `Deleting` meanwhile, 404 after.
    func delete(_ id: String, type: String? = nil, _ request: ARMRequest? = nil) -> ARMResponse {
        let key = id.lowercased()
        if let request, let refused = unmetPrecondition(request, current: current(key)) { return refused }
        guard let existing = current(key) else { return ARMResponse(status: 204) }
        // A DELETE sent again (its answer was lost) joins the one in progress.
        if existing.gone != nil, let request, let running = existing.operation {
            return accepted(request, id: id, running)
        }
        if let user = usedBy(id) {
            return error(
                400,
                "InUseSubnetCannotBeDeleted",
                "Resource \(id) is in use by \(user) and cannot be deleted."
            )
        }
        let seconds = (type.flatMap { Self.durations[$0.lowercased()] } ?? 0) * options.timeScale
        guard seconds > 0, let request, var stored = resources[key] else {
            resources[key] = nil
            for child in resources.keys where child.hasPrefix(key + "/") { resources[child] = nil }
            refreshReferences(parent: Self.parent(key))
            return ARMResponse(status: 200)
        }
        let done = clock.now + .milliseconds(Int(seconds * 1000))
        let opId = startOperation(key, done: done)
        stored.operation = opId
        stored.gone = done
        stored.ready = done
        if case .map(var properties)? = stored.body["properties"] {
            properties["provisioningState"] = "Deleting"
            stored.body["properties"] = .map(properties)
        }
        resources[key] = stored
        return accepted(request, id: id, opId)
    }

    /// 202 Accepted for a long-running DELETE or POST, as ARM answers: the operation's status
    /// resource (`Azure-AsyncOperation`), where its result will be (`Location`), `Retry-After: 1`.
    func accepted(_ request: ARMRequest, id: String, _ opId: String) -> ARMResponse {
        ARMResponse(
            status: 202,
            headers: [
                "Azure-AsyncOperation": operationURL(request, id: id, opId, status: true),
                "Location": operationURL(request, id: id, opId, status: false), "Retry-After": "1",
            ]
        )
    }

    /// Registers a long-running operation on a resource and returns its id.
    func startOperation(
        _ key: String,
        done: ContinuousClock.Instant,
        fails: Bool = false,
        result: Attributes? = nil
    ) -> String {
        let opId = "op-\(nextOperation)"
        nextOperation += 1
        operations[opId] = Operation(id: opId, resourceKey: key, done: done, fails: fails, result: result)
        changedOperations.insert(opId)
        return opId
    }

    /// Where an operation is polled: its status resource (`Azure-AsyncOperation`) or its
    /// result (`Location`), absolute, on the host the client called, in the resource's region.
    func operationURL(_ request: ARMRequest, id: String, _ opId: String, status: Bool) -> String {
        let subscription = id.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        var location = "japaneast"
        if let stored = resources[id.lowercased()], case .string(let l)? = stored.body["location"] { location = l }
        let version = request.query["api-version"] ?? "2024-05-01"
        return "\(request.base)/subscriptions/\(subscription)/providers/Microsoft.Network/locations/\(location)/"
            + (status ? "operations" : "operationResults") + "/\(opId)?api-version=\(version)"
    }

    /// A DELETE's `Location`: 202 while it runs, 200 once the resource is gone.
    func operationResult(_ id: String) -> ARMResponse {
        guard let op = operations[id] else { return error(404, "OperationNotFound", "Operation \(id) was not found.") }
        if op.done > clock.now { return ARMResponse(status: 202, headers: ["Retry-After": "1"]) }
        _ = current(op.resourceKey)
        if let result = op.result { return json(200, result) }
        // A PUT's operation ends with the resource as a GET returns it; a DELETE's with nothing.
        if let stored = current(op.resourceKey) { return json(200, live(stored.body, key: op.resourceKey)) }
        return ARMResponse(status: 200)
    }

    func patchTags(_ id: String, _ request: ARMRequest) -> ARMResponse {
        let key = id.lowercased()
        if let refused = unmetPrecondition(request, current: current(key)) { return refused }
        guard var stored = current(key) else { return get(id) }
        if let body = decode(request.body), let tags = body["tags"] { stored.body["tags"] = tags }
        resources[key] = stored
        return json(200, stored.body)
    }

    /// Lists the direct children under `prefix`, a page at a time (`$skipToken` = offset).
    func list(prefix: String, _ request: ARMRequest) -> ARMResponse {
        list(keys: resources.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }, request)
    }

    /// Lists one type in every resource group of a subscription.
    func list(subscription: String, type: String, _ request: ARMRequest) -> ARMResponse {
        let prefix = "/subscriptions/\(subscription.lowercased())/resourcegroups/"
        let wanted = type.lowercased()
        return list(
            keys: resources.keys.filter { key in
                guard key.hasPrefix(prefix) else { return false }
                let parts = key.dropFirst(prefix.count).split(separator: "/")
                return parts.count == 5 && parts[1] == "providers" && parts[2] == "microsoft.network"
                    && parts[3] == wanted
            },
            request
        )
    }

    /// Lists `keys`, a page at a time (`$skipToken` = offset).
    func list(keys unsorted: some Collection<String>, _ request: ARMRequest) -> ARMResponse {
        let keys = unsorted.sorted()
        let offset = Int(request.query["$skipToken"] ?? "0") ?? 0
        let page = keys.dropFirst(offset).prefix(options.pageSize)
        var body: Attributes = [
            "value": .list(page.compactMap { key in current(key).map { Value.map(live($0.body, key: key)) } })
        ]
        if offset + page.count < keys.count {
            let version = request.query["api-version"] ?? ""
            body["nextLink"] = .string(
                "\(request.base)\(request.path)?api-version=\(version)&$skipToken=\(offset + page.count)"
            )
        }
        return json(200, body)
    }

    func operationStatus(_ id: String) -> ARMResponse {
        guard let op = operations[id] else { return error(404, "OperationNotFound", "Operation \(id) was not found.") }
        if op.done > clock.now { return json(200, ["id": .string(id), "name": .string(id), "status": "InProgress"]) }
        _ = current(op.resourceKey)
        if op.fails {
            return json(
                200,
                [
                    "id": .string(id), "name": .string(id), "status": "Failed",
                    "error": .map(["code": "InternalServerError", "message": "The operation failed (injected fault)."]),
                ]
            )
        }
        return json(200, ["id": .string(id), "name": .string(id), "status": "Succeeded"])
    }

    /// `If-Match` (an ETag, or `*` for "exists") and `If-None-Match: *` ("does not exist"):
    /// 412 `PreconditionFailed` when the resource is not as the client last saw it.
    func unmetPrecondition(_ request: ARMRequest, current: Stored?) -> ARMResponse? {
        let etag: String?
        if case .string(let tag)? = current?.body["etag"] { etag = tag } else { etag = nil }
        if let wanted = request.headers["if-match"], wanted != "*" ? wanted != etag : current == nil {
            return error(
                412,
                "PreconditionFailed",
                "The resource has changed since it was read (If-Match \(wanted), current ETag \(etag ?? "none"))."
            )
        }
        if request.headers["if-none-match"] == "*", current != nil {
            return error(412, "PreconditionFailed", "The resource already exists (If-None-Match: *).")
        }
        return nil
    }

    static let secretFields: Set<String> = ["sharedKey", "authorizationKey"]

    static func withoutSecrets(_ attributes: Attributes) -> Attributes {
        var result: Attributes = [:]
        for entry in attributes where !secretFields.contains(entry.key) {
            result[entry.key] = withoutSecrets(entry.value)
        }
        return result
    }

    static func withoutSecrets(_ value: Value) -> Value {
        switch value {
        case .map(let m): return .map(withoutSecrets(m))
        case .list(let items): return .list(items.map(withoutSecrets))
        default: return value
        }
    }

    /// What references a resource (a subnet used by a gateway), if anything.
    func usedBy(_ id: String) -> String? {
        let target = id.lowercased()
        // The resource's own parent lists it, and its children name it: neither is a use.
        for (key, stored) in resources
        where key != target && !target.hasPrefix(key + "/") && !key.hasPrefix(target + "/") {
            if JSONOutput.encode(Value.map(stored.body)).lowercased().contains("\"" + target + "\"") { return key }
        }
        return nil
    }
}
