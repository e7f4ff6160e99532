internal import Foundation

/// A parsed ARM request path.
///
/// Segment names are matched case-insensitively, as ARM does; the caller's casing of names is kept.
enum ARMPath: Equatable {
    case resourceGroup(subscription: String, group: String)
    /// `/subscriptions/{s}/resourcegroups`: every group of the subscription.
    case groups(subscription: String)
    /// `/subscriptions/{s}/operationresults/{id}`: where a resource group's DELETE is polled.
    case subscriptionOperationResult(subscription: String, id: String)
    /// `/subscriptions/{s}/providers/Microsoft.Network/{type}`: one type in every group.
    case subscriptionList(subscription: String, type: String)
    case list(subscription: String, group: String, type: String)
    case resource(subscription: String, group: String, type: String, name: String)
    case childList(subscription: String, group: String, type: String, name: String, child: String)
    case child(subscription: String, group: String, type: String, name: String, child: String, childName: String)
    /// A POST action on a child (`…/virtualHubs/{h}/bgpConnections/{c}/learnedRoutes`).
    case childAction(
        subscription: String,
        group: String,
        type: String,
        name: String,
        child: String,
        childName: String,
        action: String
    )
    /// `…/connections/{name}/sharedkey`
    case sharedKey(subscription: String, group: String, name: String)
    case operation(subscription: String, location: String, id: String)
    /// Where a long DELETE is polled (`Location`).
    case operationResult(subscription: String, location: String, id: String)

    init?(_ path: String) {
        let s = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0.removingPercentEncoding ?? String($0))
        }
        func eq(_ i: Int, _ word: String) -> Bool { i < s.count && s[i].lowercased() == word.lowercased() }
        guard eq(0, "subscriptions"), s.count >= 2 else { return nil }
        let sub = s[1]
        if eq(2, "providers"), eq(3, "Microsoft.Network"), eq(4, "locations"), eq(6, "operations"), s.count == 8 {
            self = .operation(subscription: sub, location: s[5], id: s[7])
            return
        }
        if eq(2, "providers"), eq(3, "Microsoft.Network"), eq(4, "locations"), eq(6, "operationResults"), s.count == 8 {
            self = .operationResult(subscription: sub, location: s[5], id: s[7])
            return
        }
        if eq(2, "providers"), eq(3, "Microsoft.Network"), s.count == 5 {
            self = .subscriptionList(subscription: sub, type: s[4])
            return
        }
        if eq(2, "operationresults"), s.count == 4 {
            self = .subscriptionOperationResult(subscription: sub, id: s[3])
            return
        }
        if eq(2, "resourceGroups"), s.count == 3 {
            self = .groups(subscription: sub)
            return
        }
        guard eq(2, "resourceGroups"), s.count >= 4 else { return nil }
        let group = s[3]
        if s.count == 4 {
            self = .resourceGroup(subscription: sub, group: group)
            return
        }
        guard eq(4, "providers"), eq(5, "Microsoft.Network"), s.count >= 7 else { return nil }
        let type = s[6]
        switch s.count {
        case 7: self = .list(subscription: sub, group: group, type: type)
        case 8: self = .resource(subscription: sub, group: group, type: type, name: s[7])
        case 9 where s[6].lowercased() == "connections" && s[8].lowercased() == "sharedkey":
            self = .sharedKey(subscription: sub, group: group, name: s[7])
        case 9: self = .childList(subscription: sub, group: group, type: type, name: s[7], child: s[8])
        case 10: self = .child(subscription: sub, group: group, type: type, name: s[7], child: s[8], childName: s[9])
        case 11:
            self = .childAction(
                subscription: sub,
                group: group,
                type: type,
                name: s[7],
                child: s[8],
                childName: s[9],
                action: s[10]
            )
        default: return nil
        }
    }
}

/// A request as the model sees it, independent of the HTTP server.
public struct ARMRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [String: String]
    public var body: [UInt8]
    /// `scheme://host:port` the client called, for absolute URLs in answers.
    public var base: String

    public init(
        method: String,
        path: String,
        query: [String: String],
        headers: [String: String],
        body: [UInt8],
        base: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.base = base
    }
}

/// An answer: status, headers and a JSON body (or none).
public struct ARMResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// The server closes the connection before the answer is complete (an injected fault).
    public var dropConnection = false

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
