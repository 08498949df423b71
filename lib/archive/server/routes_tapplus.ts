/**
 * TAP+ routes of the local archive (PROTOCOL.md 2): `login`, `logout`,
 * `Upload` (user tables: create from file, URL or job; delete),
 * `TableTool` (edit, radec, rename), `tap/share`, `tap/event`,
 * `tap/notification`, `tap/jobs/<list>`, `tap/deletejobs`, `tap/users`.
 * Every write checks that the table, job, group or item belongs to the
 * logged-in user.
 *
 * @module
 */
import { tableFromIPC } from "apache-arrow";
import { type ArchiveState, requireTapSession, text, xml } from "./context.ts";
import { jobListXml } from "./documents.ts";
import { EVENT_TYPES } from "./events.ts";
import { ArchiveHttpError } from "./http_error.ts";
import type { RequestParams } from "./params.ts";
import { fetchUploadUrl, parseTableBytes } from "./query_runner.ts";
import type { SessionStore } from "./sessions.ts";
import { USER_NAME_PATTERN } from "./users.ts";
import type { JobListQuery } from "./uws.ts";

/** `POST login` (tap-server or data-server): 200 `OK` + `JSESSIONID`/`SESSION` cookies, 401 on bad credentials. */
export async function handleLogin(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
  sessions: SessionStore,
  context: string,
): Promise<Response> {
  if (req.method !== "POST") {
    throw new ArchiveHttpError(405, "Log in with POST (form fields username and password)", {
      style: "text",
    });
  }
  const user = params.get("username") ?? params.get("user") ?? "";
  const password = params.get("password") ?? "";
  if (!user || !password) {
    throw new ArchiveHttpError(400, "Missing 'username' or 'password' form field", {
      style: "text",
    });
  }
  if (!(await state.users.verify(user, password))) {
    throw new ArchiveHttpError(401, "Invalid username or password", { style: "text" });
  }
  const session = sessions.create(user, context);
  if (context === "tap-server") state.events.record(user, EVENT_TYPES.LOGIN);
  const headers = new Headers({ "content-type": "text/plain;charset=UTF-8" });
  for (const c of sessions.cookies(session)) headers.append("set-cookie", c);
  return new Response("OK", { status: 200, headers });
}

/** `POST logout`: ends the session (200 either way). */
export function handleLogout(
  state: ArchiveState,
  req: Request,
  sessions: SessionStore,
  context: string,
): Response {
  const s = sessions.fromRequest(req, context);
  if (s) {
    sessions.end(s);
    if (context === "tap-server") state.events.record(s.user, EVENT_TYPES.LOGOUT);
  }
  const headers = new Headers({ "content-type": "text/plain;charset=UTF-8" });
  headers.append("set-cookie", `SESSION=; Path=/${context}; HttpOnly; Max-Age=0`);
  headers.append("set-cookie", `JSESSIONID=; Path=/${context}; HttpOnly; Max-Age=0`);
  return new Response("OK", { status: 200, headers });
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** The bare name of a table of the user's own schema, else 403/400. */
export function ownTableName(user: string, name: string): string {
  const n = name.trim().toLowerCase().replaceAll('"', "");
  const dot = n.indexOf(".");
  const schema = dot < 0 ? `user_${user}` : n.slice(0, dot);
  const table = dot < 0 ? n : n.slice(dot + 1);
  if (schema !== `user_${user}`) {
    throw new ArchiveHttpError(
      403,
      `Table '${name}' is not in your schema user_${user}: you can only change your own tables`,
      { style: "text" },
    );
  }
  if (!TABLE_NAME.test(table)) {
    throw new ArchiveHttpError(
      400,
      `Invalid table name '${table}': use lower-case letters, digits and '_'`,
      {
        style: "text",
      },
    );
  }
  return table;
}

function userTableExists(state: ArchiveState, user: string, table: string): boolean {
  return state.engine.tableset(user, (n) => n.toLowerCase().startsWith(`user_${user}.`))
    .some((t) => t.schema === `user_${user}` && t.name.toLowerCase() === table);
}

function engineError(e: unknown, what: string): unknown {
  if (e instanceof ArchiveHttpError) return e;
  const name = e instanceof Error ? e.name : "";
  if (name === "AccessDeniedError") {
    return new ArchiveHttpError(403, (e as Error).message, { style: "text" });
  }
  if (name === "UserTableError") {
    const kind = (e as { kind?: string }).kind;
    const status = kind === "not-found" ? 404 : kind === "exists" ? 409 : 400;
    return new ArchiveHttpError(status, `${what}: ${(e as Error).message}`, {
      style: "text",
      cause: e,
    });
  }
  if (
    e instanceof Error &&
    (name.startsWith("Adql") || e instanceof RangeError || e instanceof TypeError)
  ) {
    return new ArchiveHttpError(400, `${what}: ${e.message}`, { style: "text", cause: e });
  }
  return e;
}

/** `POST Upload`: create a user table (file, URL, job) or delete one. */
export async function handleUpload(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const { user } = requireTapSession(state, req, "Uploading or deleting a user table");
  if (params.bool("DELETE")) {
    const raw = params.require("TABLE_NAME");
    const table = ownTableName(user, raw);
    const qualified = `user_${user}.${table}`;
    if (!userTableExists(state, user, table)) {
      throw new ArchiveHttpError(404, `Table '${qualified}' not found`, { style: "text" });
    }
    if (state.sharing.isShared(qualified) && !params.bool("FORCE_REMOVAL")) {
      throw new ArchiveHttpError(
        409,
        `Table '${qualified}' is shared; stop sharing it or send FORCE_REMOVAL=TRUE to remove it anyway`,
        { style: "text" },
      );
    }
    try {
      await state.engine.dropUserTable(user, table);
    } catch (e) {
      throw engineError(e, `Cannot remove table '${qualified}'`);
    }
    await state.sharing.tableDropped(qualified);
    state.events.record(user, EVENT_TYPES.TABLE_REMOVED);
    return text(`OK\nTable '${qualified}' removed.`);
  }
  const rawName = params.require("TABLE_NAME").trim();
  if (rawName.includes(".")) {
    throw new ArchiveHttpError(400, `TABLE_NAME '${rawName}' must not contain a schema or a dot`, {
      style: "text",
    });
  }
  const table = ownTableName(user, rawName);
  const description = params.get("TABLE_DESC") ?? "";
  const jobId = params.get("JOBID");
  const url = params.get("URL");
  let arrow;
  if (jobId) {
    const job = state.jobs.get(jobId.trim());
    if (!job || (job.owner !== user && job.owner !== "anonymous")) {
      throw new ArchiveHttpError(404, `Job '${jobId}' not found (or not yours)`, { style: "text" });
    }
    const bytes = await state.jobs.resultArrow(job);
    if (!bytes) {
      throw new ArchiveHttpError(
        400,
        `Job '${jobId}' has no result to upload (phase ${job.phase})`,
        { style: "text" },
      );
    }
    arrow = tableFromIPC(bytes);
  } else if (url) {
    const bytes = await fetchUploadUrl(state, url, `table '${table}'`);
    arrow = await parseTableBytes(bytes, `table '${table}' from '${url}'`, params.get("FORMAT"));
  } else {
    const file = params.file("FILE");
    if (!file || file.bytes.length === 0) {
      throw new ArchiveHttpError(400, "Missing table: send a FILE part, a URL or a JOBID", {
        style: "text",
      });
    }
    arrow = await parseTableBytes(file.bytes, `uploaded table '${table}'`, params.get("FORMAT"));
  }
  if (userTableExists(state, user, table)) {
    throw new ArchiveHttpError(
      409,
      `Table 'user_${user}.${table}' already exists: delete it first`,
      {
        style: "text",
      },
    );
  }
  if (arrow.numRows > state.limits.maxRows) {
    throw new ArchiveHttpError(
      413,
      `Table of ${arrow.numRows} rows is over the limit of ${state.limits.maxRows} rows (limits.maxRows)`,
      { style: "text" },
    );
  }
  try {
    await state.engine.createUserTable(user, table, arrow, description);
  } catch (e) {
    throw engineError(e, `Cannot create table 'user_${user}.${table}'`);
  }
  state.events.record(user, EVENT_TYPES.TABLE_CREATED);
  return text(`OK\nTable 'user_${user}.${table}' created with ${arrow.numRows} rows.`);
}

const FLAG_NAMES: Record<string, number> = {
  ra: 1,
  dec: 2,
  flux: 4,
  mag: 8,
  pk: 16,
  none: 0,
  "": 0,
};

function pyText(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v === "None" ? "" : v;
}

/** `POST TableTool`: ACTION=edit | radec, action=rename. */
export async function handleTableTool(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const { user } = requireTapSession(state, req, "Editing a user table");
  const action = (params.get("ACTION") ?? "").toLowerCase();
  try {
    if (action === "edit") {
      const n = Number(params.get("NUMTABLES") ?? "1");
      for (let t = 0; t < n; t++) {
        const table = ownTableName(user, params.require(`TABLE${t}`));
        const cols = Number(params.require(`TABLE${t}_NUMCOLS`));
        if (!Number.isInteger(cols) || cols < 0 || cols > 10000) {
          throw new ArchiveHttpError(
            400,
            `Invalid TABLE${t}_NUMCOLS '${params.get(`TABLE${t}_NUMCOLS`)}'`,
            {
              style: "text",
            },
          );
        }
        const changes = [];
        for (let i = 0; i < cols; i++) {
          const p = `TABLE${t}_COL${i}`;
          const column = params.require(p);
          const flagText = (params.get(`${p}_FLAGS`) ?? "").trim().toLowerCase();
          let flags: number | undefined;
          if (params.has(`${p}_FLAGS`)) {
            flags = /^\d+$/.test(flagText) ? Number(flagText) : FLAG_NAMES[flagText];
            if (flags === undefined) {
              throw new ArchiveHttpError(
                400,
                `Invalid flag '${
                  params.get(`${p}_FLAGS`)
                }' for column '${column}': use Ra, Dec, Flux, Mag, PK or None`,
                { style: "text" },
              );
            }
          }
          changes.push({
            column,
            flags,
            ucd: pyText(params.get(`${p}_UCD`)),
            utype: pyText(params.get(`${p}_UTYPE`)),
            indexed: params.has(`${p}_INDEXED`) ? params.bool(`${p}_INDEXED`) : undefined,
          });
        }
        await state.engine.updateUserTable(user, table, changes);
      }
      state.events.record(user, EVENT_TYPES.TABLE_UPDATED);
      return text("OK");
    }
    if (action === "radec") {
      const table = ownTableName(user, params.require("TABLE_NAME"));
      await state.engine.updateUserTable(user, table, [
        { column: params.require("RA"), flags: 1, indexed: true },
        { column: params.require("DEC"), flags: 2, indexed: true },
      ]);
      state.events.record(user, EVENT_TYPES.TABLE_UPDATED);
      return text(`OK\nTable 'user_${user}.${table}' updated (ra/dec).`);
    }
    if (action === "rename") {
      const table = ownTableName(user, params.require("table_name"));
      const newName = ownTableName(user, params.get("new_table_name") || table);
      const cols = (params.get("new_column_names") ?? "").split(",").map((s) => s.trim()).filter(
        Boolean,
      );
      const changes = cols.map((pair) => {
        const [column, to] = pair.split(":").map((s) => s.trim());
        if (!column || !to) {
          throw new ArchiveHttpError(
            400,
            `Invalid new_column_names entry '${pair}': expected old:new`,
            {
              style: "text",
            },
          );
        }
        return { column, newName: to };
      });
      if (changes.length) await state.engine.updateUserTable(user, table, changes);
      if (newName !== table) {
        await state.engine.renameUserTable(user, table, newName);
        await state.sharing.tableRenamed(`user_${user}.${table}`, `user_${user}.${newName}`);
      }
      state.events.record(user, EVENT_TYPES.TABLE_UPDATED);
      return text(`OK\nTable 'user_${user}.${table}' renamed.`);
    }
  } catch (e) {
    throw engineError(e, "Cannot change the table");
  }
  throw new ArchiveHttpError(
    400,
    `Unknown TableTool ACTION '${params.get("ACTION")}': use edit, radec or rename`,
    {
      style: "text",
    },
  );
}

function usersList(state: ArchiveState, params: RequestParams): string[] {
  const raw = params.get("users_list") ?? params.get("user_list") ?? "";
  const users = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const u of users) {
    if (!state.users.has(u)) {
      throw new ArchiveHttpError(400, `Unknown user '${u}' in users_list`, { style: "text" });
    }
  }
  return users;
}

/** `tap/share`: sharing groups and items. */
export async function handleShare(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const { user } = requireTapSession(state, req, "Sharing");
  const action = (params.get("action") ?? "").toLowerCase();
  switch (action) {
    case "getgroups": {
      const ids = params.get("groups_list")?.split(",").map((s) => s.trim()).filter(Boolean);
      return xml(state.sharing.groupsXml(user, params.bool("include_users", true), ids));
    }
    case "getgroupsdescriptionsonly":
      return xml(state.sharing.groupsXml(user, false, undefined, true));
    case "getshareditems":
      return xml(state.sharing.itemsXml(user));
    case "getshareditemsdescriptionsonly":
      return xml(state.sharing.itemsXml(user, true));
  }
  if (req.method !== "POST") {
    throw new ArchiveHttpError(405, `Share action '${params.get("action")}' needs POST`, {
      style: "text",
    });
  }
  switch (action) {
    case "createorupdategroup": {
      const g = await state.sharing.saveGroup(user, {
        id: params.get("group_id") || undefined,
        title: params.require("title"),
        description: params.get("description") ?? "",
        users: usersList(state, params),
      });
      state.events.record(
        user,
        g.created ? EVENT_TYPES.SHARED_GROUP_CREATED : EVENT_TYPES.SHARED_GROUP_UPDATED,
      );
      return text(`OK\nGroup '${g.id}' successfully ${g.created ? "created" : "updated"}.`);
    }
    case "removegroup": {
      const id = params.require("group_id");
      await state.sharing.removeGroup(user, id);
      state.events.record(user, EVENT_TYPES.SHARED_GROUP_REMOVED);
      return text(`OK\nGroup '${id}' successfully removed.`);
    }
    case "createusergroup":
    case "removeusergroup": {
      const id = params.require("group_id");
      const member = params.require("user_id");
      if (!state.users.has(member)) {
        throw new ArchiveHttpError(400, `Unknown user '${member}'`, { style: "text" });
      }
      const add = action === "createusergroup";
      await state.sharing.setMember(user, id, member, add);
      state.events.record(
        user,
        add ? EVENT_TYPES.SHARED_USER_CREATED : EVENT_TYPES.SHARED_USER_REMOVED,
      );
      return text(
        `OK\nUser '${member}' successfully ${add ? "added to" : "removed from"} group '${id}'.`,
      );
    }
    case "createorupdateitem": {
      const title = params.require("title").trim();
      const table = ownTableName(user, title);
      if (!userTableExists(state, user, table)) {
        throw new ArchiveHttpError(404, `Table 'user_${user}.${table}' not found`, {
          style: "text",
        });
      }
      const groupIds = params.require("items_list").split(",").map((s) => s.split("|")[0].trim())
        .filter(Boolean);
      const item = await state.sharing.saveItem(user, {
        id: params.get("resource_id") || undefined,
        title: `user_${user}.${table}`,
        description: params.get("description") ?? "",
        groupIds,
      });
      state.events.record(
        user,
        item.created ? EVENT_TYPES.SHARED_ITEM_CREATED : EVENT_TYPES.SHARED_ITEM_UPDATED,
      );
      return text(
        `OK\nResource '${item.id}' (type '${item.type}') successfully ${
          item.created ? "created" : "updated"
        }.`,
      );
    }
    case "removeitem": {
      const id = params.require("resource_id");
      await state.sharing.removeItem(user, id);
      state.events.record(user, EVENT_TYPES.SHARED_ITEM_REMOVED);
      return text(`OK\nResource '${id}' successfully removed.`);
    }
  }
  throw new ArchiveHttpError(400, `Unknown share action '${params.get("action")}'`, {
    style: "text",
  });
}

/** `tap/event[?id=<type>]`. */
export function handleEvent(state: ArchiveState, req: Request, params: RequestParams): Response {
  const { user } = requireTapSession(state, req, "Events");
  const id = params.get("id");
  const type = id === undefined || id === "" ? undefined : Number(id);
  if (type !== undefined && !Number.isInteger(type)) {
    throw new ArchiveHttpError(
      400,
      `Invalid event type '${id}': expected a number such as 100 or 300`,
      {
        style: "text",
      },
    );
  }
  return text(state.events.text(user, type));
}

/** `tap/notification?action=GetNotifications` (anonymous allowed; empty by default). */
export function handleNotification(state: ArchiveState): Response {
  return text(state.notifications.map((l) => l + "\n").join(""));
}

function timeParam(params: RequestParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || v === "") return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(n)) throw new ArchiveHttpError(400, `Invalid time '${v}' for ${name}`);
  return n;
}

function intParam(params: RequestParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new ArchiveHttpError(400, `Invalid ${name} '${v}': expected an integer >= 0`);
  }
  return n;
}

/** `tap/jobs/<async|sync>` with offset, limit, order and filters. */
export function handleJobList(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
  list: string,
): Response {
  const { user } = requireTapSession(state, req, "The job list");
  if (list !== "async" && list !== "sync") {
    throw new ArchiveHttpError(
      404,
      `Unknown job list '${list}': use tap/jobs/async or tap/jobs/sync`,
    );
  }
  const q: JobListQuery = {
    offset: intParam(params, "offset"),
    limit: intParam(params, "limit"),
    order: params.get("order"),
    jobid: params.get("jobid"),
    jobname: params.get("jobname") ?? params.get("name"),
    phase: params.get("phaseid") ?? params.get("phase"),
    query: params.get("query"),
    startTimeInit: timeParam(params, "start_time_init"),
    startTimeLimit: timeParam(params, "start_time_limit"),
    endTimeInit: timeParam(params, "end_time_init"),
    endTimeLimit: timeParam(params, "end_time_limit"),
  };
  const asyncUrl = `${new URL(req.url).origin}/tap-server/tap/async`;
  const { jobs, total } = list === "sync" ? { jobs: [], total: 0 } : state.jobs.list(user, q);
  return xml(jobListXml(jobs, asyncUrl, total));
}

/** `POST tap/deletejobs` with `JOB_IDS=a,b,...`: all-or-nothing, own jobs only. */
export async function handleDeleteJobs(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const { user } = requireTapSession(state, req, "Deleting jobs");
  const ids = params.require("JOB_IDS").split(",").map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    const job = state.jobs.get(id);
    if (!job) throw new ArchiveHttpError(404, `Job '${id}' not found`, { style: "text" });
    if (job.owner !== user) {
      throw new ArchiveHttpError(403, `Job '${id}' belongs to another user`, { style: "text" });
    }
  }
  for (const id of ids) await state.jobs.delete(id);
  return text(`OK\n${ids.length} job(s) removed.`);
}

/** `tap/users?USER=<id>`: `<id>:<name>` when the user exists, else an empty body. */
export function handleUsers(state: ArchiveState, req: Request, params: RequestParams): Response {
  requireTapSession(state, req, "Looking users up");
  const id = params.require("USER").trim();
  if (!USER_NAME_PATTERN.test(id) || !state.users.has(id)) return text("");
  return text(`${id}:${id}`);
}
