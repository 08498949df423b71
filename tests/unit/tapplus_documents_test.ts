import assert from "node:assert/strict";
import { parseJobSearch } from "../../lib/tapplus/job_search.ts";
import { parseEvents } from "../../lib/tapplus/events.ts";
import { parseNotifications } from "../../lib/tapplus/notifications.ts";
import { parseShareAnswer, parseSharedGroups } from "../../lib/tapplus/share_documents.ts";
import { parseJobList } from "../../lib/tap/uws.ts";

const FIX = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const read = (f: string) => Deno.readTextFileSync(new URL(f, FIX));

Deno.test("parseJobSearch() reads the archive's full-job list (test_jobs_async.xml)", () => {
  const jobs = parseJobSearch(
    read("test_jobs_async.xml"),
    "https://gea.esac.esa.int/tap-server/tap/async",
  );
  assert.equal(jobs.length, 2);
  for (const j of jobs) {
    assert.match(j.jobId, /^\d+\w*$/);
    assert.ok(j.phase.length > 0);
    assert.ok(j.creationTime instanceof Date, "ESA creationTime");
  }
});

Deno.test("parseJobList() reads the jobref list (test_jobs_list.xml) used by listAsyncJobs()", () => {
  const refs = parseJobList(
    read("test_jobs_list.xml"),
    "https://gea.esac.esa.int/tap-server/tap/async",
  );
  assert.deepEqual(refs.map((r) => [r.id, r.phase]), [["1479386030738O", "COMPLETED"], [
    "14793860307381",
    "ERROR",
  ]]);
});

Deno.test("parseEvents() rejects a line that is not type=timestamp, quoting it", () => {
  assert.throws(() => parseEvents("100=1\n<html>login</html>\n"), /line 2: "<html>login<\/html>"/);
  assert.equal(parseEvents("").length, 0);
  const [e] = parseEvents("9999=5");
  assert.equal(e.name, undefined);
  assert.equal(e.category, "unknown");
});

Deno.test("parseNotifications() keeps a line without '=' as a maintenance message", () => {
  const n = parseNotifications("Archive down\n1[type: 1,2]=a=b\n");
  assert.equal(n[0].message, "Archive down");
  assert.equal(n[1].message, "a=b");
  assert.equal(n[1].subtype, 2);
});

Deno.test("parseSharedGroups() and parseShareAnswer() read the archive's answers", () => {
  assert.deepEqual(parseSharedGroups("<sharedGroups></sharedGroups>"), []);
  assert.throws(() => parseSharedGroups("<html/>"), /no <sharedGroups> element/);
  const a = parseShareAnswer("OK\nGroup 'bob_1425480932331JC' successfully created.");
  assert.deepEqual([a.ok, a.id], [true, "bob_1425480932331JC"]);
  assert.equal(parseShareAnswer("ERROR\nno").ok, false);
});
