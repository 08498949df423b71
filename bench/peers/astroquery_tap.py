"""astroquery TapPlus peer: one sync query, prints rows= and seconds=.

Usage: astroquery_tap.py TAP_URL MAXREC "ADQL"

TapPlus.launch_job sends no MAXREC (the server's default limit would cut the
answer), so the POST body gets MAXREC added; everything else, the download
and astropy's VOTable parsing, is astroquery's own.
"""
import sys
import time

from astroquery.utils.tap.core import TapPlus

url, maxrec, query = sys.argv[1], sys.argv[2], sys.argv[3]
tap = TapPlus(url=url, verbose=False)
handler = tap._Tap__connHandler  # TapPlus keeps it in the Tap base class
original = handler.execute_tappost


def with_maxrec(*args, **kwargs):
    if kwargs.get("subcontext") == "sync" and "MAXREC" not in kwargs.get("data", ""):
        kwargs["data"] = kwargs["data"] + "&MAXREC=" + maxrec
    return original(*args, **kwargs)


handler.execute_tappost = with_maxrec
t0 = time.time()
job = tap.launch_job(query)
table = job.get_results()
print(f"rows={len(table)} seconds={time.time() - t0:.3f}")
