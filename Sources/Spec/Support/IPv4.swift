/// An IPv4 address, parsed strictly from dotted-quad text (no leading zeros, no shorthand).
public struct IPv4Address: Hashable, Sendable, Comparable, TextCodable {
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public init?(_ text: Substring) {
        var octets = 0
        var value: UInt32 = 0
        var current: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
                leadingZero = false
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if leadingZero { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard current <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        self.value = value << 8 | current
    }

    public init?(_ text: String) {
        self.init(Substring(text))
    }

    /// Dotted-quad text, formatted without interpolation (it is on the lowering's hot path).
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var count = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let octet = Int((value >> shift) & 0xFF)
                if octet >= 100 {
                    buffer[count] = UInt8(48 + octet / 100)
                    count += 1
                }
                if octet >= 10 {
                    buffer[count] = UInt8(48 + octet / 10 % 10)
                    count += 1
                }
                buffer[count] = UInt8(48 + octet % 10)
                count += 1
                if shift != 0 {
                    buffer[count] = 0x2E
                    count += 1
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

}

/// An IPv4 prefix in CIDR form whose host bits are zero (`10.10.0.0/16`).
public struct IPv4Prefix: Hashable, Sendable, Comparable, TextCodable {
    public var network: IPv4Address
    public var length: Int

    public init(network: IPv4Address, length: Int) {
        self.network = network
        self.length = length
    }

    /// Why a CIDR text is refused, with the corrected form when host bits were set.
    public enum ParseError: Error, Equatable {
        case malformed
        case hostBitsSet(suggestion: IPv4Prefix)
    }

    public static func parse(_ text: String) -> Result<IPv4Prefix, ParseError> {
        guard let (address, length) = splitCIDR(text), length <= 32 else { return .failure(.malformed) }
        let masked = IPv4Address(address.value & IPv4Prefix.mask(length))
        let prefix = IPv4Prefix(network: masked, length: length)
        return masked == address ? .success(prefix) : .failure(.hostBitsSet(suggestion: prefix))
    }

    /// Splits `a.b.c.d/n` into its address and length (1-2 plain digits), scanning UTF-8.
    static func splitCIDR(_ text: String) -> (IPv4Address, Int)? {
        let utf8 = text.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let digits = utf8[utf8.index(after: slash)...]
        guard (1...2).contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            digits.count == 1 || digits.first != 48,
            let address = IPv4Address(Substring(utf8[..<slash]))
        else { return nil }
        return (address, digits.reduce(0) { $0 * 10 + Int($1 - 48) })
    }

    public init?(_ text: String) {
        guard case .success(let prefix) = IPv4Prefix.parse(text) else { return nil }
        self = prefix
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    public var mask: UInt32 { IPv4Prefix.mask(length) }
    public var first: UInt32 { network.value }
    public var last: UInt32 { network.value | ~mask }
    /// Number of addresses, as a 64-bit value so /0 fits.
    public var size: UInt64 { UInt64(1) << UInt64(32 - length) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & mask == network.value
    }

    /// True when `other` lies entirely inside this prefix.
    public func contains(_ other: IPv4Prefix) -> Bool {
        other.length >= length && contains(other.network)
    }

    public func overlaps(_ other: IPv4Prefix) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The dotted mask (`255.255.0.0`), as IOS writes it.
    public var dottedMask: String { IPv4Address(mask).description }
    /// The wildcard mask (`0.0.255.255`), as IOS access lists write it.
    public var wildcardMask: String { IPv4Address(~mask).description }

    public static let defaultRoute = IPv4Prefix(network: IPv4Address(0), length: 0)

    public var description: String { "\(network)/\(length)" }

    public static func < (lhs: IPv4Prefix, rhs: IPv4Prefix) -> Bool {
        (lhs.network.value, lhs.length) < (rhs.network.value, rhs.length)
    }

}

/// An interface address with its prefix length (`192.168.10.1/24`); host bits are expected.
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var length: Int

    public init?(_ text: String) {
        guard let (address, length) = IPv4Prefix.splitCIDR(text), (1...32).contains(length) else { return nil }
        self.address = address
        self.length = length
    }

    public var prefix: IPv4Prefix {
        IPv4Prefix(network: IPv4Address(address.value & IPv4Prefix.mask(length)), length: length)
    }

    public var description: String { "\(address)/\(length)" }
}

/// A BGP autonomous system number, 1 to 4294967295.
public struct ASN: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public var description: String { String(value) }

    public static func < (lhs: ASN, rhs: ASN) -> Bool { lhs.value < rhs.value }

    /// Azure's own ASN for VPN/ER gateways, Route Server and Virtual WAN hubs.
    public static let azure = ASN(65515)

    /// Why Azure or IANA reserves this ASN, or nil when it is usable.
    public var reservation: String? {
        switch value {
        case 8074, 8075, 12076: return "reserved by Azure for public peering"
        case 65515, 65517, 65518, 65519, 65520: return "reserved by Azure for its gateways and Route Server"
        case 23456: return "reserved by IANA (AS_TRANS)"
        case 64496...64511: return "reserved by IANA for documentation"
        case 65535...65551: return "reserved by IANA"
        case 4_294_967_295: return "reserved by IANA"
        case 0: return "not a valid ASN"
        default: return nil
        }
    }
}

extension IPv4Prefix {
    /// RFC 1918's private ranges.
    public static let rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].compactMap(IPv4Prefix.init)
    /// RFC 1918 and RFC 6598's shared (carrier-grade NAT) space: no internet route leads there.
    public static let privateOrShared = rfc1918 + ["100.64.0.0/10"].compactMap(IPv4Prefix.init)

    /// Whether the whole prefix lies in private or shared space.
    public var isPrivateOrShared: Bool { Self.privateOrShared.contains { $0.contains(self) } }
}

extension IPv4Address {
    /// Whether the address is private or shared (an address behind NAT).
    public var isPrivateOrShared: Bool { IPv4Prefix.privateOrShared.contains { $0.contains(self) } }
}
