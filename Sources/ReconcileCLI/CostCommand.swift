import ArgumentParser
import Foundation
import Reconciler
import Spec

/// Which prices and currency a run uses.
struct CostOptions: ParsableArguments {
    @Option(help: "Currency to show (default: the spec's pricing.currency, else USD): JPY, USD, EUR.")
    var currency: String?

    @Option(help: "A price file to use instead of the built-in one (docs/cost.md gives its format).")
    var prices: String?

    /// The estimator for `topology`: its pricing settings, the price file the options or the
    /// spec name (else the providers' built-in ones), and the currency.
    static func estimator(
        for topology: Topology,
        currency: String? = nil,
        prices: String? = nil
    ) throws -> CostEstimator {
        let settings = topology.scope?.spec.pricing ?? PricingSettings()
        let chosen = currency ?? settings.currency ?? "USD"
        guard chosen.utf8.count == 3, chosen.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            Output.err("error: --currency must be a currency code such as JPY, USD or EUR, not '\(chosen)'\n")
            throw ExitCode(1)
        }
        let file = prices ?? settings.priceFile.map { $0.hasPrefix("/") ? $0 : topology.root + "/" + $0 }
        var book = CostEstimator.builtInBook(Reconcile.wiring.pricing)
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                Output.err("error: cannot read the price file \(file)\n")
                throw ExitCode(1)
            }
            do {
                book = try PriceBook.parse(text, origin: file)
            } catch {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
        }
        if book.rates[chosen] == nil, book.allRows.contains(where: { $0.currency != chosen }) {
            Output.err(
                "warning: the price file has no rate for \(chosen): prices in other currencies show as unknown\n"
            )
        }
        return CostEstimator(pricing: Reconcile.wiring.pricing, book: book, settings: settings, currency: chosen)
    }
}

struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate what the spec costs each month, line by line.",
        discussion: """
            Prices every resource the spec makes at Azure's public list prices (a price file \
            shipped with the tool, with each figure's source and date), adds the costs sites \
            and routers declare (`costs:`), and gives the monthly, yearly and first-year totals. \
            A meter the price file lacks is shown as unknown, never as zero. Reads no state and \
            talks to nothing. See docs/cost.md.

            Examples:
              reconcile cost examples/s2s-cisco891-pppoe --currency JPY
              reconcile cost specs/ --format markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @OptionGroup var spec: SpecOptions
    @OptionGroup var costs: CostOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    func run() throws {
        let validated = EngineRunner.pipeline(spec)
        if !validated.diagnostics.isEmpty { Output.report(validated, color: color) }
        guard !validated.hasErrors, let graph = validated.graph else { throw ExitCode(1) }
        let estimator = try CostOptions.estimator(
            for: validated.topology,
            currency: costs.currency,
            prices: costs.prices
        )
        let resources = graph.resources.map {
            PricedResource(address: $0.address, type: $0.type, attributes: $0.attributes)
        }
        let estimate = estimator.estimate(resources, declared: validated.topology.declaredCosts)
        let rendered = CostRenderer.render(
            estimate,
            title: "Monthly cost of \(spec.path)",
            format: CostRenderer.Format(rawValue: format.rawValue) ?? .text
        )
        Output.out(rendered)
    }
}
