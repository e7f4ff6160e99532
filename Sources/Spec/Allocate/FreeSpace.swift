/// Free IPv4 space as sorted, disjoint, inclusive ranges, for first-fit allocation.
///
/// Built once from what is owned and what is taken (both sorted once); each allocation then
/// scans free ranges from the lowest, not every earlier allocation, and splits one range.
struct FreeSpace: Sendable {
    /// Inclusive ranges, ascending; 64-bit so that the end of 255.255.255.255 does not wrap.
    private(set) var ranges: [(first: UInt64, last: UInt64)] = []

    init(within owned: [IPv4Prefix], excluding taken: [IPv4Prefix]) {
        let owned = Self.merged(owned)
        let taken = Self.merged(taken)
        var t = 0
        for var range in owned {
            while t < taken.count && taken[t].last < range.first { t += 1 }
            var k = t
            while k < taken.count && taken[k].first <= range.last && range.first <= range.last {
                if taken[k].first > range.first { ranges.append((range.first, taken[k].first - 1)) }
                range.first = max(range.first, taken[k].last + 1)
                k += 1
            }
            if range.first <= range.last { ranges.append(range) }
        }
    }

    /// Prefixes as ranges, sorted and with overlaps merged.
    private static func merged(_ prefixes: [IPv4Prefix]) -> [(first: UInt64, last: UInt64)] {
        var result: [(first: UInt64, last: UInt64)] = []
        for p in prefixes.sorted() {
            let (first, last) = (UInt64(p.first), UInt64(p.last))
            if let end = result.last?.last, first <= end + 1 {
                result[result.count - 1].last = max(end, last)
            } else {
                result.append((first, last))
            }
        }
        return result
    }

    /// Total free addresses.
    var count: UInt64 { ranges.reduce(0) { $0 + $1.last - $1.first + 1 } }

    /// The lowest aligned free block of `length`, inside one of `inside` when given; not taken.
    func firstFit(length: Int, inside: [IPv4Prefix]? = nil) -> IPv4Prefix? {
        let size = UInt64(1) << UInt64(32 - length)
        for range in ranges {
            let limits = inside.map { $0.map { (UInt64($0.first), UInt64($0.last)) } } ?? [(range.first, range.last)]
            for (low, high) in limits.sorted(by: { $0.0 < $1.0 }) {
                let first = max(low, range.first)
                let last = min(high, range.last)
                guard first <= last else { continue }
                let start = (first + size - 1) / size * size
                if start + size - 1 <= last {
                    return IPv4Prefix(network: IPv4Address(UInt32(start)), length: length)
                }
            }
        }
        return nil
    }

    /// Marks a block taken; false (and nothing changes) unless the whole block was free.
    mutating func take(_ prefix: IPv4Prefix) -> Bool {
        let (first, last) = (UInt64(prefix.first), UInt64(prefix.last))
        // The last range starting at or before the block: binary search.
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].first <= first { low = mid + 1 } else { high = mid }
        }
        let i = low - 1
        guard i >= 0, ranges[i].last >= last else { return false }
        let range = ranges[i]
        var pieces: [(first: UInt64, last: UInt64)] = []
        if range.first < first { pieces.append((range.first, first - 1)) }
        if last < range.last { pieces.append((last + 1, range.last)) }
        ranges.replaceSubrange(i...i, with: pieces)
        return true
    }

    /// The free space as the fewest aligned CIDR blocks, ascending.
    var blocks: [IPv4Prefix] {
        var result: [IPv4Prefix] = []
        for range in ranges {
            var start = range.first
            while start <= range.last {
                // The largest aligned block that starts here and stays inside the range.
                var length = 32 - min(32, start.trailingZeroBitCount)
                while (UInt64(1) << UInt64(32 - length)) > range.last - start + 1 { length += 1 }
                result.append(IPv4Prefix(network: IPv4Address(UInt32(start)), length: length))
                start += UInt64(1) << UInt64(32 - length)
            }
        }
        return result
    }

    /// The length of the largest free aligned block (nil when nothing is free).
    var largestBlock: Int? { blocks.map(\.length).min() }
}
