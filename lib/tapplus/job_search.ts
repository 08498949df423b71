/**
 * TAP+ job search (`tap/jobs/<list>`): a `uws:jobs` document whose children
 * are full `uws:job` elements. Each is read with the TAP layer's UWS parser.
 *
 * @module
 */
import { TableFormatError } from "../io/errors.ts";
import { type JobInfo, parseJob } from "../tap/uws.ts";

/**
 * Parses a job search answer into full job descriptions.
 *
 * @param xml the `uws:jobs` document
 * @param base the async job list URL (`.../tap/async`), to resolve result links
 *
 * @example
 * ```ts
 * import { parseJobSearch } from "./job_search.ts";
 * const jobs = parseJobSearch(`<uws:jobs xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" total="1">
 *   <uws:job><uws:jobId>1</uws:jobId><uws:phase>COMPLETED</uws:phase><uws:name>mine</uws:name></uws:job>
 * </uws:jobs>`);
 * if (jobs[0].jobId !== "1" || jobs[0].name !== "mine") throw new Error();
 * ```
 */
export function parseJobSearch(xml: string, base?: string): JobInfo[] {
  const root = /<((?:[\w.-]+:)?)jobs\b([^>]*)>/.exec(xml);
  if (!root) {
    throw new TableFormatError("Not a UWS job list (no <jobs> element)", {
      format: "UWS",
      element: "jobs",
    });
  }
  const prefix = root[1];
  const ns = [...root[2].matchAll(/\sxmlns(:[\w.-]+)?="[^"]*"/g)].map((m) => m[0]).join("");
  const re = new RegExp(`<${prefix}job\\b[\\s\\S]*?</${prefix}job>`, "g");
  const out: JobInfo[] = [];
  for (const m of xml.matchAll(re)) {
    const open = m[0].indexOf(">");
    const element = m[0].slice(0, open) + ns + m[0].slice(open);
    out.push(parseJob(element, base ? `${base.replace(/\/$/, "")}/` : undefined));
  }
  return out;
}
