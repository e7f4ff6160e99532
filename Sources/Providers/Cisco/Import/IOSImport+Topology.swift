public import Reconciler
public import Spec

extension IOSImport {
    /// The lines of each router's configuration that a whole spec does not render: what stays
    /// unmanaged once the routers are joined to their sites and connections (a router's crypto,
    /// tunnels and BGP come from the Azure connections, so only the whole spec claims them).
    ///
    /// Lines the router keeps on its own (its `version`, boot markers, an unconfigured port) are
    /// left out, as drift leaves them out of its unmanaged list: the two lists agree.
    ///
    /// `configs` are the running configurations by router name, `outputs` what was read of the
    /// resources they refer to (a gateway's address, a tunnel's destination); `graph` is the
    /// whole spec, lowered.
    public static func unmanaged(
        configs: [String: IOSConfig],
        in graph: DesiredGraph,
        outputs: [ResourceAddress: Attributes]
    ) -> [UnmanagedLine] {
        var sections: [String: [Resource]] = [:]
        for resource in graph.resources where resource.provider == "cisco" {
            sections[CiscoProvider.device(resource.address), default: []].append(resource)
        }
        var lines: [UnmanagedLine] = []
        for name in configs.keys.sorted() {
            guard let config = configs[name] else { continue }
            let own = IOSConfig(lines: config.lines.filter { !IOSRules.ios.isSelfMaintained($0) })
            let rendered = IOSRenderer.device(
                sections[name] ?? [],
                context: IOSRenderer.Context(output: { outputs[$0.address]?[$0.output] })
            )
            lines += Claim(running: own, rendered: rendered).unclaimed.map {
                UnmanagedLine(provider: "cisco", object: name, text: $0)
            }
        }
        return lines
    }
}
