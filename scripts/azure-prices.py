#!/usr/bin/env python3
"""Refreshes the Azure list prices that `reconcile cost` uses (Python standard library only).

usage: python3 scripts/azure-prices.py [--generate-only] [--rates-json FILE] [--date YYYY-MM-DD]
       python3 scripts/azure-prices.py --list SERVICE REGION

Default: queries the public Azure Retail Prices API (https://prices.azure.com/api/retail/prices,
no sign-in) once per service in SERVICES and region in REGIONS, follows NextPageLink, keeps the
items whose `type` is 'Consumption', maps them onto our meter keys with METERS, and rewrites
Sources/Providers/Azure/Pricing/azure-prices.json (same shape, rows sorted by region then meter),
then regenerates AzurePrices+Data.swift from it. Each new row's `source` is the query URL that
returned it and its `note` names the API's serviceName/productName/skuName/meterName, so a wrong
mapping can be seen in the file. A (meter, region) the API did not match keeps its old row, and
the script says so on stderr; fix METERS with the help of --list.

--generate-only   only regenerate the Swift file from the JSON file (no network), e.g. after a
                  hand edit of the JSON.
--rates-json FILE replace the exchange rates with FILE's object {"base", "date", "source",
                  "values"}; without it the rates already in the JSON file are kept.
--date DATE       the date written on refreshed rows (default: today, UTC).
--list S R        print every Consumption item of serviceName S in armRegionName R (to fix METERS).
"""
import argparse
import datetime
import json
import os
import re
import sys
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRICING = os.path.join(ROOT, "Sources", "Providers", "Azure", "Pricing")
JSON_PATH = os.path.join(PRICING, "azure-prices.json")
SWIFT_PATH = os.path.join(PRICING, "AzurePrices+Data.swift")

API = "https://prices.azure.com/api/retail/prices"
# The API version whose filter values are case-sensitive and which returns `type` and
# `NextPageLink` (Learn: "Azure Retail Prices REST API overview").
API_VERSION = "2023-01-01-preview"

REGIONS = ["eastus", "westeurope", "japaneast"]

# serviceName values in the Retail Prices API. Route Server is queried under two names because no
# published listing of its serviceName was found; the one that returns nothing costs one request.
SERVICES = ["VPN Gateway", "ExpressRoute", "Virtual WAN", "Azure Firewall", "Virtual Network", "Azure Route Server"]


def rx(pattern):
    """A case-insensitive whole-string pattern."""
    return re.compile(pattern, re.IGNORECASE)


# Our meter key -> (serviceName, {API field: whole-string pattern}). The VPN Gateway, Virtual WAN,
# Azure Firewall and public IP names are the ones Infracost's Azure resources filter on
# (github.com/infracost/infracost, internal/providers/terraform/azure and internal/resources/azure).
# The ExpressRoute gateway and Route Server patterns are unverified guesses: check them with --list.
METERS = {
    "vpnGateway:Basic": ("VPN Gateway", {"meterName": rx(r"Basic Gateway")}),
    **{
        f"vpnGateway:{sku}": ("VPN Gateway", {"meterName": rx(sku)})
        for sku in [f"VpnGw{n}{az}" for az in ("", "AZ") for n in range(1, 6)]
    },
    # Charged per tunnel/connection-hour beyond those the SKU includes; the API lists the meter
    # under each SKU, VpnGw1's is taken as the representative.
    "vpnGateway:s2sTunnel": ("VPN Gateway", {"skuName": rx(r"VpnGw1"), "meterName": rx(r".*S2S Connection.*")}),
    "vpnGateway:p2sConnection": ("VPN Gateway", {"skuName": rx(r"VpnGw1"), "meterName": rx(r".*P2S Connection.*")}),
    "expressRouteGateway:Standard": (
        "ExpressRoute", {"productName": rx(r".*Gateway.*"), "skuName": rx(r"Standard( Gateway)?")}),
    "expressRouteGateway:HighPerformance": (
        "ExpressRoute", {"productName": rx(r".*Gateway.*"), "skuName": rx(r"High ?Performance( Gateway)?")}),
    "expressRouteGateway:UltraPerformance": (
        "ExpressRoute", {"productName": rx(r".*Gateway.*"), "skuName": rx(r"Ultra ?Performance( Gateway)?")}),
    **{
        f"expressRouteGateway:ErGw{n}AZ": (
            "ExpressRoute", {"productName": rx(r".*Gateway.*"), "skuName": rx(rf"ErGw{n}AZ( Gateway)?")})
        for n in range(1, 4)
    },
    "publicIP:Standard": (
        "Virtual Network",
        {"productName": rx(r"IP Addresses"), "skuName": rx(r"Standard"), "meterName": rx(r"Standard IPv4 Static Public IP")},
    ),
    "virtualHub:Standard": ("Virtual WAN", {"skuName": rx(r"Standard Hub"), "meterName": rx(r"Standard Hub Unit")}),
    "virtualHub:dataProcessed": (
        "Virtual WAN", {"skuName": rx(r"Standard Hub"), "meterName": rx(r"Standard Hub Data Processed")}),
    "virtualHub:s2sScaleUnit": ("Virtual WAN", {"skuName": rx(r"VPN S2S Scale Unit")}),
    "virtualHub:s2sConnection": ("Virtual WAN", {"skuName": rx(r"VPN S2S Connection Unit")}),
    "virtualHub:erScaleUnit": ("Virtual WAN", {"skuName": rx(r"ExpressRoute Scale Unit")}),
    "virtualHub:erConnection": ("Virtual WAN", {"skuName": rx(r"ExpressRoute Connection Unit")}),
    "virtualHub:p2sScaleUnit": ("Virtual WAN", {"skuName": rx(r"VPN P2S Scale Unit")}),
    "virtualHub:p2sConnection": ("Virtual WAN", {"skuName": rx(r"VPN P2S Connection Unit")}),
    # The VNet deployment; a secured virtual hub's firewall is a separate SKU
    # ("Standard Secure Virtual Hub", "Premium Secured Virtual Hub").
    **{
        f"azureFirewall:{tier}": ("Azure Firewall", {"skuName": rx(tier), "meterName": rx(f"{tier} Deployment")})
        for tier in ("Basic", "Standard", "Premium")
    },
    **{
        f"azureFirewall:{tier}:dataProcessed": (
            "Azure Firewall", {"skuName": rx(tier), "meterName": rx(f"{tier} Data Processed")})
        for tier in ("Basic", "Standard", "Premium")
    },
    "routeServer": ("Azure Route Server", {"productName": rx(r".*Route Server.*")}),
}
# Route Server may be listed under Virtual Network; both are tried.
ALTERNATE_SERVICES = {"routeServer": ["Virtual Network"]}

# Facts worth keeping on a refreshed row (what the price covers), by meter key.
NOTES = {
    "vpnGateway:s2sTunnel": "per S2S tunnel-hour beyond the tunnels the gateway SKU includes",
    "vpnGateway:p2sConnection": "per P2S connection-hour beyond the connections the gateway SKU includes",
    "azureFirewall:Basic": "firewall in a virtual network (not a secured virtual hub)",
    "azureFirewall:Standard": "firewall in a virtual network (not a secured virtual hub)",
    "azureFirewall:Premium": "firewall in a virtual network (not a secured virtual hub)",
}

UNIT = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*/?\s*(hour|hours|gb)\s*$", re.IGNORECASE)


def query_url(service, region):
    """The Retail Prices API URL for one serviceName and armRegionName."""
    flt = f"serviceName eq '{service}' and armRegionName eq '{region}'"
    return f"{API}?api-version={API_VERSION}&$filter={urllib.parse.quote(flt, safe='')}"


def fetch_items(url):
    """Every item of a Retail Prices API answer, following NextPageLink."""
    items = []
    while url:
        with urllib.request.urlopen(url, timeout=60) as response:
            page = json.load(response)
        items.extend(page.get("Items", []))
        url = page.get("NextPageLink")
    return items


def per_unit(item):
    """(unit, price per unit) of an item, unit being 'hour' or 'GB'; None for other units."""
    match = UNIT.match(item.get("unitOfMeasure", ""))
    if not match:
        return None
    count = float(match.group(1) or 1)
    unit = "GB" if match.group(2).lower() == "gb" else "hour"
    return unit, round(item["retailPrice"] / count, 6)


def matches(item, fields):
    return all(pattern.fullmatch(item.get(name) or "") for name, pattern in fields.items())


def pick(key, candidates):
    """The one price a meter key maps to, or None (with a warning) when there is none or several."""
    # Tiered meters list one item per tier; the first tier is the list price.
    first = [c for c in candidates if float(c.get("tierMinimumUnits") or 0) == 0]
    prices = {per_unit(c) for c in first} - {None}
    if len(prices) == 1:
        return first[0]
    if len(prices) > 1:
        names = sorted({(c.get("productName"), c.get("skuName"), c.get("meterName")) for c in first})
        print(f"warning: {key} matches several prices {sorted(prices)}: {names}; row kept as it was", file=sys.stderr)
    return None


def refresh(old, date):
    """The price rows from the API, with old rows kept for (meter, region) pairs it did not match."""
    fetched = {}
    for region in REGIONS:
        for service in SERVICES:
            url = query_url(service, region)
            print(f"fetching {service} / {region}", file=sys.stderr)
            fetched[(service, region)] = (url, [i for i in fetch_items(url) if i.get("type") == "Consumption"])
    rows = {}
    for region in REGIONS:
        for key, (service, fields) in METERS.items():
            for name in [service] + ALTERNATE_SERVICES.get(key, []):
                url, items = fetched.get((name, region), (None, []))
                item = pick(key, [i for i in items if matches(i, fields)])
                if item is None:
                    continue
                unit, price = per_unit(item)
                api = "Retail Prices API: " + ", ".join(
                    f"{field} '{item.get(field)}'"
                    for field in ("serviceName", "productName", "skuName", "meterName", "unitOfMeasure")
                )
                note = "; ".join(filter(None, [NOTES.get(key), api, f"effective {item.get('effectiveStartDate', '')[:10]}"]))
                rows[(region, key)] = {
                    "meter": key, "region": region, "unit": unit, "price": price, "currency": "USD",
                    "source": url, "date": date, "note": note,
                }
                break
    for row in old:
        pair = (row["region"], row["meter"])
        if pair not in rows:
            print(f"warning: no API match for {row['meter']} in {row['region']}; old row kept", file=sys.stderr)
            rows[pair] = row
    missing = [(r, k) for r in REGIONS for k in METERS if (r, k) not in rows]
    for region, key in missing:
        print(f"warning: no price for {key} in {region} (the tool reports it as unknown)", file=sys.stderr)
    return [rows[pair] for pair in sorted(rows)]


def ordered_row(row):
    """A row with its keys in the file's order (note last, and only when present)."""
    keys = ["meter", "region", "unit", "price", "currency", "source", "date", "note"]
    return {k: row[k] for k in keys if k in row and (k != "note" or row[k])}


def write_json(doc):
    doc = {
        "format": doc["format"],
        "about": doc["about"],
        "rates": {k: doc["rates"][k] for k in ("base", "date", "source", "values")},
        "prices": [ordered_row(r) for r in sorted(doc["prices"], key=lambda r: (r["region"], r["meter"]))],
    }
    with open(JSON_PATH, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def generate_swift():
    """Writes AzurePrices+Data.swift: the JSON file's text in a raw string literal."""
    with open(JSON_PATH, encoding="utf-8") as f:
        text = f.read()
    json.loads(text)  # refuse to embed a file the tool could not read
    text = text[:-1] if text.endswith("\n") else text
    # `"""#` would close the literal and `\#(` would interpolate inside it.
    if '"""#' in text or "\\#" in text:
        sys.exit(f"{JSON_PATH}: contains '\"\"\"#' or '\\#', which cannot go in a #\"\"\" literal")
    # Indented as swift-format wants; a multi-line literal drops the closing delimiter's
    # indentation from every line, so the string is the file's text exactly.
    body = "\n".join(("        " + line) if line else line for line in text.split("\n"))
    swift = (
        "// Generated by scripts/azure-prices.py from azure-prices.json; do not edit.\n"
        "// Refresh: python3 scripts/azure-prices.py (or --generate-only after editing the JSON).\n"
        "extension AzurePrices {\n"
        "    /// The price file shipped with the tool (Pricing/azure-prices.json), embedded: the\n"
        "    /// binary needs no data file.\n"
        '    static let builtIn = #"""\n'
        f"{body}\n"
        '        """#\n'
        "}\n"
    )
    with open(SWIFT_PATH, "w", encoding="utf-8") as f:
        f.write(swift)


def list_items(service, region):
    for item in fetch_items(query_url(service, region)):
        if item.get("type") == "Consumption":
            fields = ("productName", "skuName", "meterName", "unitOfMeasure", "retailPrice", "tierMinimumUnits")
            print(" | ".join(str(item.get(f)) for f in fields))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--rates-json")
    parser.add_argument("--date", default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"))
    parser.add_argument("--list", nargs=2, metavar=("SERVICE", "REGION"))
    args = parser.parse_args()
    if args.list:
        list_items(*args.list)
        return
    if not args.generate_only:
        with open(JSON_PATH, encoding="utf-8") as f:
            doc = json.load(f)
        if args.rates_json:
            with open(args.rates_json, encoding="utf-8") as f:
                doc["rates"] = json.load(f)
        doc["prices"] = refresh(doc["prices"], args.date)
        write_json(doc)
    generate_swift()


if __name__ == "__main__":
    main()
