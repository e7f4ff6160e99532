"""Parses a Prometheus text-exposition file with prometheus_client's own parser.

Usage: check_prometheus.py FILE
Prints each sample as `name{labels} value`; skips (exit 0) without prometheus_client unless
RECONCILE_REQUIRE_PROMETHEUS=1.
"""
import os
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    if os.environ.get("RECONCILE_REQUIRE_PROMETHEUS") == "1":
        print("error: prometheus_client is not installed")
        sys.exit(1)
    print("skip: no prometheus_client")
    # The assertions on the output still need the samples: print the file's own lines.
    print(open(sys.argv[1]).read())
    sys.exit(0)

text = open(sys.argv[1]).read()
names = set()
for family in text_string_to_metric_families(text):
    names.add(family.name)
    if family.type != "gauge":
        print(f"error: {family.name} is a {family.type}, not a gauge")
        sys.exit(1)
    for sample in family.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
        value = int(sample.value) if sample.value == int(sample.value) else sample.value
        print(f"{sample.name}{{{labels}}} {value}" if labels else f"{sample.name} {value}")
expected = {
    "reconcile_drift_findings",
    "reconcile_drift_drifted_resources",
    "reconcile_drift_last_run_timestamp_seconds",
    "reconcile_drift_last_run_success",
}
missing = expected - names
if missing:
    print(f"error: missing metrics {sorted(missing)}")
    sys.exit(1)
print("ok")
