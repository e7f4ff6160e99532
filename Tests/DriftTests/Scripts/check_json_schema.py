"""Validates JSON documents against a JSON Schema (draft 2020-12) with the jsonschema package.

Usage: check_json_schema.py SCHEMA DOCUMENT...
Skips (exit 0) without jsonschema unless RECONCILE_REQUIRE_JSONSCHEMA=1.
"""
import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    if os.environ.get("RECONCILE_REQUIRE_JSONSCHEMA") == "1":
        print("error: jsonschema is not installed")
        sys.exit(1)
    print("skip: no jsonschema")
    sys.exit(0)

schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
failed = False
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path))):
        print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        failed = True
print("ok" if not failed else "invalid")
sys.exit(1 if failed else 0)
