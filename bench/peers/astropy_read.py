"""Peer reader for the benchmark: astropy, as pyvo and astroquery use it.

usage: astropy_read.py FORMAT FILE   (FORMAT: votable | csv | fits)
Prints the number of rows read.
"""
import sys

fmt, path = sys.argv[1], sys.argv[2]
if fmt == "votable":
    from astropy.io.votable import parse_single_table
    t = parse_single_table(path).to_table()
elif fmt == "csv":
    from astropy.table import Table
    t = Table.read(path, format="csv")
elif fmt == "fits":
    from astropy.table import Table
    t = Table.read(path, format="fits")
else:
    raise SystemExit(f"unknown format {fmt}")
print(len(t))
