"""One-off: add the optional ``series`` column to data/actuals.csv, byte-preserving.

Every other byte of each line is kept; the header gets ``,series`` and each data line
``,`` plus its series name (empty for most rows). A row belongs to appendix 8's
current-price level series of the merged city when its ``actual_id`` ends in the
appendix-8 suffix given on the command line. Idempotent: does nothing if the column exists.

    .venv/bin/python tools/add_series_column.py data/actuals.csv appendix8_levels _l893
"""

import csv
import io
import sys


def main(path: str, name: str, suffix: str) -> None:
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    if "series" in header:
        print("series column already present")
        return
    ids = header.index("actual_id")
    out = [lines[0] + ",series"]
    for line in lines[1:]:
        if line == "":
            out.append(line)
            continue
        rec = next(csv.reader(io.StringIO(line)))
        tag = name if rec[ids].split(".")[-1].endswith(suffix) and rec[1] == "grdp_current" else ""
        out.append(line + "," + tag)
    open(path, "wb").write("\n".join(out).encode("utf-8"))


if __name__ == "__main__":
    main(*sys.argv[1:4])
