#!/usr/bin/python3
"""astroquery fidelity check of the deno-gaia local archive.

Usage: astroquery_check.py BASE_URL USER PASSWORD [OTHER_USER]
       (BASE_URL like http://127.0.0.1:8787, the archive root; OTHER_USER another
       account, for the sharing checks)

Points Debian's astroquery.gaia (GaiaClass and TapPlus) at the local archive
and checks the rows it gets for every call astroquery makes against the real
ESA archive. Each check is named; the last line is "N passed, N failed".

astroquery switches every request to HTTPS once a session cookie is set (its
ConnectionHandler.get_connection returns an HTTPSConnection whenever a cookie
exists, and login always uses get_connection_secure). The local archive speaks
plain HTTP on loopback, so we build astroquery's own TapConn objects (passed as
GaiaClass(tap_plus_conn_handler=...) and TapPlus(connhandler=...)) whose
ConnectionHandler is a subclass returning an http.client.HTTPConnection to the
archive's host and port from both get_connection and get_connection_secure.
"""
import http.client
import os
import sys
import tempfile
import time
import traceback
import zipfile
from urllib.parse import urlparse

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Table

from astroquery.utils.tap.conn.tapconn import ConnectionHandler, TapConn
from astroquery.utils.tap.core import TapPlus
from astroquery.gaia import GaiaClass

BASE, USER, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
OTHER = sys.argv[4] if len(sys.argv) > 4 else None
parsed = urlparse(BASE)
HOST, PORT = parsed.hostname, parsed.port

RESULTS = {"passed": 0, "failed": 0}


class LoopbackHttpHandler(ConnectionHandler):
    """Plain HTTP to the local archive even after login (astroquery forces HTTPS otherwise)."""

    def __init__(self, host, port):
        super().__init__(host, port, port)
        self._host, self._port = host, port

    def get_connection(self, ishttps=False, cookie=None, verbose=False):
        return http.client.HTTPConnection(self._host, self._port, timeout=300)

    def get_connection_secure(self, verbose=False):
        return http.client.HTTPConnection(self._host, self._port, timeout=300)


def check(name, fn):
    t0 = time.time()
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - every failure is reported and counted
        RESULTS["failed"] += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")
        traceback.print_exc(limit=3, file=sys.stdout)
    else:
        RESULTS["passed"] += 1
        print(f"ok   {name} ({time.time() - t0:.2f} s)")


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def tap_conn(server_context):
    """A TapConn with astroquery's own contexts whose connections stay plain HTTP."""
    return TapConn(ishttps=False, host=HOST, server_context=server_context, port=PORT, sslport=PORT,
                   tap_context="tap", upload_context="Upload", table_edit_context="TableTool",
                   data_context="data", datalink_context="datalink",
                   connhandler=LoopbackHttpHandler(HOST, PORT))


datalink = TapPlus(url=BASE + "/", server_context="data-server", tap_context="tap", upload_context="Upload",
                   table_edit_context="TableTool", data_context="data", datalink_context="datalink",
                   connhandler=tap_conn("data-server"))
gaia = GaiaClass(tap_plus_conn_handler=tap_conn("tap-server"), datalink_handler=datalink,
                 gaia_tap_server=BASE + "/", gaia_data_server=BASE + "/")
gaia.MAIN_GAIA_TABLE = "gaiadr3.gaia_source"

QUERY = "SELECT TOP 5 source_id, ra, dec, parallax, phot_g_mean_mag FROM gaiadr3.gaia_source ORDER BY source_id"
REF = {}


def ids_of(table):
    return [int(x) for x in table["source_id"]]


def reference():
    job = gaia.launch_job(QUERY, output_format="csv")
    t = job.get_results()
    REF["ids"] = ids_of(t)
    expect(len(REF["ids"]) == 5, f"expected 5 rows, got {len(REF['ids'])}")
    expect(REF["ids"] == sorted(REF["ids"]), "rows not ordered by source_id")
    REF["ra"] = [float(x) for x in t["ra"]]
    REF["dec"] = [float(x) for x in t["dec"]]


check("launch_job csv (reference rows)", reference)


def launch(fmt):
    def run():
        job = gaia.launch_job(QUERY, output_format=fmt)
        t = job.get_results()
        expect(ids_of(t) == REF["ids"], f"{fmt}: ids differ: {ids_of(t)} vs {REF['ids']}")
        expect(np.issubdtype(t["source_id"].dtype, np.integer), f"{fmt}: source_id dtype {t['source_id'].dtype}")
        expect(abs(float(t["ra"][0]) - float(t["ra"][0])) == 0, "ra readable")
    return run


for fmt in ["votable", "votable_plain", "csv", "fits", "ecsv"]:
    check(f"launch_job {fmt}", launch(fmt))


def launch_json():
    # astroquery 0.4.6 cannot parse FORMAT=json itself (no astropy 'json' reader): dump the answer and
    # check the archive's {"metadata": [...], "data": [...]} shape with exact int64 ids.
    import json
    out = os.path.join(tempfile.mkdtemp(), "result.json")
    gaia.launch_job(QUERY, output_format="json", dump_to_file=True, output_file=out)
    with open(out) as f:
        doc = json.load(f)
    expect([m["name"] for m in doc["metadata"]][:2] == ["source_id", "ra"], f"metadata {doc['metadata'][:2]}")
    expect(all(set(m) == {"name", "datatype", "xtype", "arraysize", "description", "unit", "ucd", "utype"}
               for m in doc["metadata"]), "metadata keys")
    expect([int(r[0]) for r in doc["data"]] == REF["ids"], "json ids differ")


check("launch_job json (dumped file)", launch_json)


def int64_exact():
    q = "SELECT TOP 3 source_id FROM gaiadr3.gaia_source ORDER BY source_id DESC"
    csv_ids = ids_of(gaia.launch_job(q, output_format="csv").get_results())
    expect(max(csv_ids) > 2**53, f"largest source_id {max(csv_ids)} should exceed 2**53 like DR3's")
    for fmt in ["votable", "votable_plain", "fits", "ecsv"]:
        got = ids_of(gaia.launch_job(q, output_format=fmt).get_results())
        expect(got == csv_ids, f"{fmt}: {got} != {csv_ids}")


check("int64 source_id exact above 2**53 in every format", int64_exact)


def booleans_and_nulls():
    q = ("SELECT TOP 20 source_id, has_xp_sampled, radial_velocity FROM gaiadr3.gaia_source "
         "ORDER BY source_id")
    ref = gaia.launch_job(q, output_format="votable").get_results()
    expect(ref["has_xp_sampled"].dtype == bool, f"has_xp_sampled dtype {ref['has_xp_sampled'].dtype}")
    for fmt in ["votable_plain", "csv", "fits", "ecsv"]:
        t = gaia.launch_job(q, output_format=fmt).get_results()
        got = [str(x).strip().lower() in ("true", "1") for x in t["has_xp_sampled"]]
        expect(got == [bool(x) for x in ref["has_xp_sampled"]], f"{fmt}: booleans differ")
        masked = [bool(np.ma.is_masked(x)) or bool(np.isnan(float(x))) for x in t["radial_velocity"]]
        expect(any(masked), f"{fmt}: radial_velocity should have nulls among 20 sources")


check("booleans and nulls agree across formats", booleans_and_nulls)


def launch_error():
    try:
        gaia.launch_job("SELEC TOP 5 * FROM gaiadr3.gaia_source")
    except Exception as e:  # astroquery raises HTTPError with the archive's message
        expect("Cannot parse query" in str(e), f"unexpected message: {e}")
        return
    raise AssertionError("a syntax error must raise")


check("launch_job syntax error -> HTTPError 'Cannot parse query'", launch_error)


def launch_async():
    job = gaia.launch_job_async(QUERY, output_format="votable")
    expect(job.get_phase() == "COMPLETED", f"phase {job.get_phase()}")
    expect(ids_of(job.get_results()) == REF["ids"], "async ids differ")
    REF["anon_job"] = job.jobid


check("launch_job_async votable", launch_async)


def launch_async_csv():
    job = gaia.launch_job_async(QUERY, output_format="csv")
    expect(ids_of(job.get_results()) == REF["ids"], "async csv ids differ")


check("launch_job_async csv", launch_async_csv)

PLEIADES = SkyCoord(ra=56.75, dec=24.12, unit=(u.deg, u.deg), frame="icrs")


def cone():
    job = gaia.cone_search(PLEIADES, radius=u.Quantity(0.5, u.deg))
    t = job.get_results()
    expect(len(t) > 0, "no rows in a 0.5 deg cone round the Pleiades")
    expect(float(np.max(t["dist"])) <= 0.5 + 1e-9, f"max dist {np.max(t['dist'])}")
    expect(list(t["dist"]) == sorted(t["dist"]), "cone results not ordered by distance")
    REF["cone"] = len(t)


check("cone_search", cone)


def cone_async():
    job = gaia.cone_search_async(PLEIADES, radius=u.Quantity(0.5, u.deg))
    t = job.get_results()
    expect(len(t) == REF["cone"], f"async cone gave {len(t)} rows, sync {REF['cone']}")


check("cone_search_async", cone_async)


def query_object():
    t = gaia.query_object(PLEIADES, width=u.Quantity(0.5, u.deg), height=u.Quantity(0.5, u.deg))
    expect(len(t) > 0, "no rows in a box round the Pleiades")
    expect(all(abs(float(d)) < 24.12 for d in t["dec"] - 24.12), "dec far away")


check("query_object (box)", query_object)


def query_object_radius():
    t = gaia.query_object(PLEIADES, radius=u.Quantity(0.3, u.deg))
    expect(0 < len(t) <= 50, f"{len(t)} rows (ROW_LIMIT 50)")


check("query_object (radius)", query_object_radius)


def load_tables():
    tables = gaia.load_tables(only_names=True)
    names = [t.get_qualified_name() for t in tables]
    expect(any(n.endswith("gaiadr3.gaia_source") for n in names), f"gaia_source missing from {names[:10]}")


check("load_tables(only_names=True)", load_tables)


def load_tables_full():
    tables = gaia.load_tables()
    gs = [t for t in tables if t.get_qualified_name().endswith("gaiadr3.gaia_source")][0]
    expect(len(gs.columns) > 40, f"{len(gs.columns)} columns")


check("load_tables (with columns)", load_tables_full)


def load_table():
    t = gaia.load_table("gaiadr3.gaia_source")
    cols = {c.name: c for c in t.columns}
    expect("ra" in cols and "source_id" in cols, "columns missing")
    expect(cols["ra"].unit == "deg", f"ra unit {cols['ra'].unit}")
    expect(str(cols["ra"].flags) == "1", f"ra flags {cols['ra'].flags}")


check("load_table gaiadr3.gaia_source", load_table)


def do_login():
    gaia.login(user=USER, password=PASSWORD)
    t = gaia.load_tables(only_names=True)
    expect(len(t) > 0, "tables after login")


check("login (tap-server and data-server)", do_login)


def upload_pytable():
    t = Table({"source_id": np.array(REF["ids"], dtype=np.int64), "ra": REF["ra"], "dec": REF["dec"]})
    gaia.upload_table(upload_resource=t, table_name="aq_stars", table_description="astroquery check")
    meta = gaia.load_table(f"user_{USER}.aq_stars")
    names = [c.name for c in meta.columns]
    expect("aq_stars_oid" in names, f"no aq_stars_oid in {names}")
    rows = gaia.launch_job(f"SELECT source_id FROM user_{USER}.aq_stars ORDER BY source_id").get_results()
    expect(ids_of(rows) == REF["ids"], "uploaded ids differ")


check("upload_table (astropy Table)", upload_pytable)


def upload_file():
    path = os.path.join(tempfile.mkdtemp(), "pts.xml")
    Table({"id": [1, 2, 3], "ra": [10.0, 11.0, 12.0], "dec": [-5.0, -6.0, -7.0]}).write(path, format="votable")
    gaia.upload_table(upload_resource=path, table_name="aq_file", format="VOTable")
    rows = gaia.launch_job(f"SELECT id FROM user_{USER}.aq_file ORDER BY id", output_format="csv").get_results()
    expect([int(x) for x in rows["id"]] == [1, 2, 3], f"rows {list(rows['id'])}")


check("upload_table (VOTable file)", upload_file)


def update_table():
    gaia.update_user_table(table_name=f"user_{USER}.aq_stars",
                           list_of_changes=[["ra", "flags", "Ra"], ["dec", "flags", "Dec"],
                                            ["source_id", "ucd", "meta.id;meta.main"]])
    meta = gaia.load_table(f"user_{USER}.aq_stars")
    cols = {c.name: c for c in meta.columns}
    expect(str(cols["ra"].flags) == "1" and str(cols["dec"].flags) == "2",
           f"flags ra={cols['ra'].flags} dec={cols['dec'].flags}")
    expect(cols["source_id"].ucd == "meta.id;meta.main", f"ucd {cols['source_id'].ucd}")


check("update_user_table (flags, ucd)", update_table)


def cross_match():
    job = gaia.cross_match(full_qualified_table_name_a=f"user_{USER}.aq_stars",
                           full_qualified_table_name_b="gaiadr3.gaia_source",
                           results_table_name="aq_xmatch", radius=1.0)
    expect(job.get_phase() == "COMPLETED", f"phase {job.get_phase()}")
    n = gaia.launch_job(f"SELECT COUNT(*) AS n FROM user_{USER}.aq_xmatch").get_results()
    expect(int(n["n"][0]) >= len(REF["ids"]), f"cross-match rows {n['n'][0]}: each uploaded star matches itself")


check("cross_match (crossmatch_positional)", cross_match)


def user_async_jobs():
    job = gaia.launch_job_async(QUERY, name="aq_named")
    REF["user_job"] = job.jobid
    jobs = gaia.list_async_jobs()
    ids = [j.jobid for j in jobs]
    expect(job.jobid in ids, f"{job.jobid} not in {ids}")


check("list_async_jobs", user_async_jobs)


def search_jobs():
    jobs = gaia.search_async_jobs()
    expect(REF["user_job"] in [j.jobid for j in jobs], "search_async_jobs misses the job")


check("search_async_jobs", search_jobs)


def from_job():
    gaia.upload_table_from_job(job=REF["user_job"])
    rows = gaia.launch_job(f"SELECT source_id FROM user_{USER}.t{REF['user_job'].lower()} ORDER BY source_id").get_results()
    expect(ids_of(rows) == REF["ids"], "table from job differs")


check("upload_table_from_job", from_job)


def remove_jobs():
    gaia.remove_jobs([REF["user_job"]])
    ids = [j.jobid for j in gaia.list_async_jobs() or []]
    expect(REF["user_job"] not in ids, "job still listed after remove_jobs")


check("remove_jobs", remove_jobs)


def upload_with_query():
    t = Table({"source_id": np.array(REF["ids"][:3], dtype=np.int64)})
    job = gaia.launch_job("SELECT g.source_id, g.ra FROM tap_upload.mine AS m JOIN gaiadr3.gaia_source AS g "
                          "ON g.source_id = m.source_id ORDER BY g.source_id",
                          upload_resource=t, upload_table_name="mine")
    expect(ids_of(job.get_results()) == REF["ids"][:3], "TAP_UPLOAD join ids differ")


check("launch_job with upload_resource (TAP_UPLOAD)", upload_with_query)


def async_error():
    job = gaia.launch_job_async("SELECT nope FROM gaiadr3.gaia_source", background=True)
    for _ in range(100):
        if job.get_phase(update=True) in ("ERROR", "COMPLETED"):
            break
        time.sleep(0.1)
    expect(job.get_phase() == "ERROR", f"phase {job.get_phase()}")
    try:
        job.get_results()
    except Exception as e:
        expect("nope" in str(e), f"error should name the column: {e}")
        return
    raise AssertionError("results of a failed job must raise")


check("launch_job_async error -> ERROR phase and message", async_error)


def load_async_job():
    first = gaia.launch_job_async(QUERY, name="aq_reload")
    job = gaia.load_async_job(jobid=first.jobid)
    expect(ids_of(job.get_results()) == REF["ids"], "load_async_job results differ")


check("load_async_job(jobid)", load_async_job)


def sharing():
    expect(gaia.is_valid_user(USER), "is_valid_user(self) should be true")
    expect(not gaia.is_valid_user("nobody_here"), "is_valid_user(unknown) should be false")
    gaia.share_group_create(group_name="aq team", description="astroquery & friends")
    groups = gaia.load_groups()
    expect(any(g.title == "aq team" for g in groups), f"groups {[g.title for g in groups]}")
    if OTHER:
        gaia.share_group_add_user(group_name="aq team", user_id=OTHER)
        g = gaia.load_group("aq team")
        expect(OTHER in [u.id for u in g.users], f"members {[u.id for u in g.users]}")
    gaia.share_table(group_name="aq team", table_name=f"user_{USER}.aq_stars", description="shared stars")
    items = gaia.load_shared_items()
    expect(any(i.title == f"user_{USER}.aq_stars" for i in items), f"items {[i.title for i in items]}")
    gaia.share_table_stop(table_name=f"user_{USER}.aq_stars", group_name="aq team")
    expect(not any(i.title == f"user_{USER}.aq_stars" for i in gaia.load_shared_items() or []), "still shared")
    if OTHER:
        gaia.share_group_delete_user(group_name="aq team", user_id=OTHER)
    gaia.share_group_delete(group_name="aq team")
    expect(not any(g.title == "aq team" for g in gaia.load_groups() or []), "group not deleted")


check("sharing: is_valid_user, groups, share_table, share_table_stop, group delete", sharing)


def delete_table():
    gaia.delete_user_table(table_name="aq_file")
    try:
        gaia.launch_job(f"SELECT * FROM user_{USER}.aq_file")
    except Exception:
        return
    raise AssertionError("deleted table still queryable")


check("delete_user_table", delete_table)

# ---- DataLink ------------------------------------------------------------------------------
PRODUCTS = ["EPOCH_PHOTOMETRY", "XP_SAMPLED", "XP_CONTINUOUS", "RVS", "MCMC_GSPPHOT", "MCMC_MSC"]
SOURCES = {}


def datalinks():
    bright = gaia.launch_job("SELECT TOP 300 source_id FROM gaiadr3.gaia_source ORDER BY phot_g_mean_mag ASC",
                             output_format="csv").get_results()
    ids = ids_of(bright)
    links = gaia.get_datalinks(ids=ids[:300])
    expect(len(links) > 0, "no links")
    expect(all(str(s) == "#this" for s in links["semantics"]), "semantics must be #this")
    for row in links:
        url = str(row["access_url"])
        for p in PRODUCTS:
            if f"RETRIEVAL_TYPE={p}" in url and p not in SOURCES:
                SOURCES[p] = int(str(row["ID"]).split()[-1])
    missing = [p for p in PRODUCTS if p not in SOURCES]
    expect(not missing, f"no bright source with {missing}")
    designated = gaia.get_datalinks(ids=[f"Gaia DR3 {ids[0]}"])
    expect(len(designated) > 0 and str(designated["ID"][0]) == f"Gaia DR3 {ids[0]}", "designation form")


check("get_datalinks (bare ids and designations)", datalinks)


def load(rt, fmt, structure):
    def run():
        sid = SOURCES.get(rt) if rt != "ALL" else SOURCES.get("EPOCH_PHOTOMETRY")
        expect(sid is not None, f"no source with {rt}")
        ids = [sid] if structure == "INDIVIDUAL" else [sid, SOURCES.get("XP_SAMPLED", sid)]
        out = os.path.join(tempfile.mkdtemp(), "dl.zip")
        files = gaia.load_data(ids=ids, retrieval_type=rt, format=fmt, data_structure=structure, valid_data=False,
                               output_file=out, overwrite_output_file=True)
        expect(zipfile.is_zipfile(out), "answer is not a zip")
        names = zipfile.ZipFile(out).namelist()
        expect(len(names) > 0, "empty zip")
        ext = {"votable": ".xml", "votable_plain": ".xml", "csv": ".csv", "ecsv": ".ecsv", "fits": ".fits"}[fmt]
        expect(all(n.endswith(ext) for n in names), f"entries {names}")
        if rt != "ALL":
            expect(all(n.startswith(rt) for n in names), f"entries {names} should start with {rt}")
        if fmt == "ecsv":  # astroquery 0.4.6 parses only .fits/.xml/.csv entries: read ECSV ourselves
            d = os.path.dirname(out)
            for n in names:
                t = Table.read(os.path.join(d, n), format="ascii.ecsv")
                expect(len(t) > 0, f"{n}: no rows")
            return
        expect(len(files) == len(names), f"astroquery parsed {len(files)} of {len(names)} entries")
        for key, value in files.items():
            tables = value if isinstance(value, list) else [value]
            expect(len(tables) > 0, f"{key}: no tables")
            for t in tables:
                n = len(t.array) if hasattr(t, "array") else len(t)
                expect(n > 0, f"{key}: no rows")
    return run


for rt in PRODUCTS + ["ALL"]:
    for fmt in ["votable", "votable_plain", "csv", "ecsv", "fits"]:
        for structure in ["INDIVIDUAL", "COMBINED", "RAW"]:
            check(f"load_data {rt} {fmt} {structure}", load(rt, fmt, structure))


def do_logout():
    gaia.logout()


check("logout", do_logout)

print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
sys.exit(1 if RESULTS["failed"] else 0)
