#!/usr/bin/env python3
"""aligned.py TABLE: every table of an `inventory` output (a header line, rows until a blank
line) has its columns start at the same character in every row (wide characters counted as
one column, as the table printer counts them)."""
import sys

text = open(sys.argv[1], encoding="utf-8").read()
tables, cur = [], None
for line in text.splitlines():
    if cur is None and line and line.split()[0].isupper() and "  " in line:
        cur = [line]
    elif cur is not None and line:
        cur.append(line)
    elif cur is not None:
        tables.append(cur)
        cur = None
if cur:
    tables.append(cur)
if not tables:
    sys.exit("no table")
for table in tables:
    head = table[0]
    # a column starts after two blanks ("MAKE AND MODEL" is one header)
    cols = [i for i, c in enumerate(head) if c != " " and (i == 0 or head[i - 2:i] == "  ")]
    for r in table[1:]:
        for c in cols[1:]:
            assert len(r) > c and r[c - 1] == " " and r[c] != " ", (c, r)
    print("aligned:", len(table) - 1, "rows,", len(cols), "columns")
