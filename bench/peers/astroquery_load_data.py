"""astroquery peer of bench/datalink.ts: GaiaClass.load_data of epoch
photometry (VOTable, INDIVIDUAL) for the sources in IDS_FILE from the local
archive, then, to compare like with like, the files stacked into one table
(astropy vstack -> pandas), which deno-gaia's toPolars() gives directly.

Usage: astroquery_load_data.py ARCHIVE_URL IDS_FILE
Prints: sources=N rows=N load_seconds=S stack_seconds=S seconds=S

Run it in a scratch folder: load_data writes its zip under the working
directory (and removes it). astroquery switches to HTTPS once a cookie
exists; like tests/peer/astroquery_check.py, its own TapConn objects get a
ConnectionHandler that stays on plain HTTP to the loopback archive.
"""
import http.client
import sys
import time
from urllib.parse import urlparse

from astropy.table import Table, vstack
from astroquery.gaia import GaiaClass
from astroquery.utils.tap.conn.tapconn import ConnectionHandler, TapConn
from astroquery.utils.tap.core import TapPlus

BASE, IDS = sys.argv[1].rstrip("/"), sys.argv[2]
HOST, PORT = urlparse(BASE).hostname, urlparse(BASE).port


class LoopbackHttpHandler(ConnectionHandler):
    """Plain HTTP to the local archive (astroquery forces HTTPS once a cookie exists)."""

    def __init__(self, host, port):
        super().__init__(host, port, port)
        self._host, self._port = host, port

    def get_connection(self, ishttps=False, cookie=None, verbose=False):
        return http.client.HTTPConnection(self._host, self._port, timeout=900)

    def get_connection_secure(self, verbose=False):
        return http.client.HTTPConnection(self._host, self._port, timeout=900)


def tap_conn(server_context):
    return TapConn(ishttps=False, host=HOST, server_context=server_context, port=PORT, sslport=PORT,
                   tap_context="tap", upload_context="Upload", table_edit_context="TableTool",
                   data_context="data", datalink_context="datalink",
                   connhandler=LoopbackHttpHandler(HOST, PORT))


datalink = TapPlus(url=BASE + "/", server_context="data-server", tap_context="tap", upload_context="Upload",
                   table_edit_context="TableTool", data_context="data", datalink_context="datalink",
                   connhandler=tap_conn("data-server"))
gaia = GaiaClass(tap_plus_conn_handler=tap_conn("tap-server"), datalink_handler=datalink,
                 gaia_tap_server=BASE + "/", gaia_data_server=BASE + "/")

ids = [int(x) for x in open(IDS).read().split()]
t0 = time.time()
files = gaia.load_data(ids=ids, retrieval_type="EPOCH_PHOTOMETRY", format="votable",
                       data_structure="INDIVIDUAL", valid_data=False)
t1 = time.time()
tables = []
for value in files.values():
    for t in (value if isinstance(value, list) else [value]):
        tables.append(t.to_table() if hasattr(t, "to_table") else Table(t))
df = vstack(tables).to_pandas()
t2 = time.time()
print(f"sources={df['source_id'].nunique()} rows={len(df)} load_seconds={t1 - t0:.3f} "
      f"stack_seconds={t2 - t1:.3f} seconds={t2 - t0:.3f}")
