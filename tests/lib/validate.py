#!/usr/bin/python3
"""Validate JSON documents against docs/report-schema-v1.json.

    validate.py FILE...        each FILE is one JSON document, or JSON lines (one per line)
Exit 0 when every document is valid; otherwise print each error with its path and exit 1.
Uses Debian's python3-jsonschema (draft 2020-12, with format checks)."""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "report-schema-v1.json")


def documents(path):
    text = open(path, encoding="utf-8").read()
    try:
        yield json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):  # comments: test harness markers
            yield json.loads(line)


def main(paths):
    schema = json.load(open(SCHEMA, encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    whole = jsonschema.Draft202012Validator(schema, format_checker=checker)
    # errors are clearer against the branch the document says it is
    branch = {}
    for kind in ("snapshot", "event"):
        s = dict(schema)
        del s["oneOf"]
        s["$ref"] = f"#/$defs/{kind}"
        branch[kind] = jsonschema.Draft202012Validator(s, format_checker=checker)
    bad = count = 0
    for path in paths:
        for doc in documents(path):
            count += 1
            kind = doc.get("type") if isinstance(doc, dict) else None
            validator = branch.get(kind, whole)
            for err in validator.iter_errors(doc):
                bad += 1
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"{path}: {where}: {err.message[:300]}")
    if count == 0:
        print("validate: no documents")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
