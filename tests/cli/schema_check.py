#!/usr/bin/env python3
"""schema_check.py SCHEMA < JSONL — validate each JSON line against a JSON
Schema, with the subset of keywords tests/data/*.schema.json use (type,
required, properties, items, enum, pattern, minimum, maxLength, $ref into
$defs); also with python's jsonschema when it is installed.  Exit 1 and
the first problem on stderr when a record does not conform."""
import json
import re
import sys

TYPES = {"object": dict, "array": list, "string": str, "integer": int}


def check(v, s, root, where):
    if "$ref" in s:
        s = root["$defs"][s["$ref"].split("/")[-1]]
    t = s.get("type")
    if t and (not isinstance(v, TYPES[t]) or (t == "integer" and isinstance(v, bool))):
        raise ValueError(f"{where}: not {t}: {v!r}")
    if "enum" in s and v not in s["enum"]:
        raise ValueError(f"{where}: {v!r} not in {s['enum']}")
    if "pattern" in s and not re.search(s["pattern"], v):
        raise ValueError(f"{where}: {v!r} does not match {s['pattern']}")
    if "minimum" in s and v < s["minimum"]:
        raise ValueError(f"{where}: {v} < {s['minimum']}")
    if "maxLength" in s and len(v) > s["maxLength"]:
        raise ValueError(f"{where}: longer than {s['maxLength']}")
    for k in s.get("required", []):
        if k not in v:
            raise ValueError(f"{where}: missing {k}")
    for k, sub in s.get("properties", {}).items():
        if isinstance(v, dict) and k in v:
            check(v[k], sub, root, f"{where}.{k}")
    if "items" in s:
        for i, x in enumerate(v):
            check(x, s["items"], root, f"{where}[{i}]")


schema = json.load(open(sys.argv[1]))
n = 0
for line in sys.stdin:
    rec = json.loads(line)
    check(rec, schema, schema, "record")
    try:
        import jsonschema
        jsonschema.validate(rec, schema)
    except ImportError:
        pass
    n += 1
print(n)
