"""pyvo peer for bench/tap_dachs.ts: runs one TAP query and prints the row count.

Usage: pyvo_tap.py URL sync|async FORMAT MAXREC "ADQL"
"""
import sys
import time

import pyvo

url, mode, fmt, maxrec, query = sys.argv[1:6]
service = pyvo.dal.TAPService(url)
t0 = time.time()
if mode == "sync":
    result = service.run_sync(query, maxrec=int(maxrec), format=fmt)
else:
    result = service.run_async(query, maxrec=int(maxrec), format=fmt)
table = result.to_table()
print(f"rows={len(table)} seconds={time.time() - t0:.3f}")
