/**
 * Sharing (`TAP/tap/share`): groups of users and tables shared with them,
 * addressed by group *title* as in astroquery.
 *
 * @module
 */
import type { TapPlusSession } from "./session.ts";
import { TapPlusError } from "./errors.ts";
import {
  parseShareAnswer,
  parseSharedGroups,
  parseSharedItems,
  type SharedGroup,
  type SharedItem,
} from "./share_documents.ts";
import { type ArchiveUser, parseUserAnswer } from "./users.ts";
import { qualifyUserTable } from "./user_tables.ts";

/** Lists the groups the user owns or belongs to (with members). */
export async function loadGroups(
  session: TapPlusSession,
  signal?: AbortSignal,
): Promise<SharedGroup[]> {
  session.requireUser("loadGroups()");
  const res = await session.call("tap", "tap/share", {
    query: { action: "GetGroups", include_users: "true" },
    action: "Loading sharing groups",
    signal,
  });
  return parseSharedGroups(res.text);
}

/** Finds a group by title (or undefined). */
export async function loadGroup(
  session: TapPlusSession,
  title: string,
  signal?: AbortSignal,
): Promise<SharedGroup | undefined> {
  return (await loadGroups(session, signal)).find((g) => g.title === title);
}

async function requireGroup(
  session: TapPlusSession,
  title: string,
  signal?: AbortSignal,
): Promise<SharedGroup> {
  const g = await loadGroup(session, title, signal);
  if (!g) {
    throw new TapPlusError(`There is no sharing group titled ${JSON.stringify(title)}`, {
      status: 404,
    });
  }
  return g;
}

/** Lists the items the user shares. */
export async function loadSharedItems(
  session: TapPlusSession,
  signal?: AbortSignal,
): Promise<SharedItem[]> {
  session.requireUser("loadSharedItems()");
  const res = await session.call("tap", "tap/share", {
    query: { action: "GetSharedItems" },
    action: "Loading shared items",
    signal,
  });
  return parseSharedItems(res.text);
}

/**
 * Creates a group (`CreateOrUpdateGroup`) and returns it.
 *
 * @throws {TapPlusError} when a group with this title exists already
 */
export async function createGroup(
  session: TapPlusSession,
  title: string,
  options: { description?: string; users?: string[]; signal?: AbortSignal } = {},
): Promise<SharedGroup> {
  if (await loadGroup(session, title, options.signal)) {
    throw new TapPlusError(`A sharing group titled ${JSON.stringify(title)} exists already`, {
      status: 409,
    });
  }
  const res = await session.call("tap", "tap/share", {
    form: {
      action: "CreateOrUpdateGroup",
      title,
      description: options.description ?? "",
      users_list: (options.users ?? []).join(","),
    },
    action: `Creating group ${JSON.stringify(title)}`,
    signal: options.signal,
  });
  const id = parseShareAnswer(res.text).id;
  return (await loadGroup(session, title, options.signal)) ??
    {
      id: id ?? "",
      owner: session.user!,
      title,
      description: options.description ?? "",
      users: [],
    };
}

/** Updates a group's description and/or member list. */
export async function updateGroup(
  session: TapPlusSession,
  title: string,
  options: { description?: string; users?: string[]; signal?: AbortSignal },
): Promise<void> {
  const g = await requireGroup(session, title, options.signal);
  await session.call("tap", "tap/share", {
    form: {
      action: "CreateOrUpdateGroup",
      group_id: g.id,
      title,
      description: options.description ?? g.description,
      users_list: (options.users ?? g.users.map((u) => u.id)).join(","),
    },
    action: `Updating group ${JSON.stringify(title)}`,
    signal: options.signal,
  });
}

/** Deletes a group. */
export async function deleteGroup(
  session: TapPlusSession,
  title: string,
  signal?: AbortSignal,
): Promise<void> {
  const g = await requireGroup(session, title, signal);
  await session.call("tap", "tap/share", {
    form: { action: "RemoveGroup", group_id: g.id },
    action: `Deleting group ${JSON.stringify(title)}`,
    signal,
  });
}

/** Looks a user up (`tap/users?USER=`); undefined when unknown. */
export async function loadUser(
  session: TapPlusSession,
  userId: string,
  signal?: AbortSignal,
): Promise<ArchiveUser | undefined> {
  const res = await session.call("tap", "tap/users", {
    query: { USER: userId },
    action: `Looking up user ${JSON.stringify(userId)}`,
    signal,
  });
  return parseUserAnswer(res.text, userId);
}

/**
 * Adds a member to a group (checked with `tap/users` first).
 *
 * @throws {TapPlusError} for an unknown user or group
 */
export async function addGroupUser(
  session: TapPlusSession,
  title: string,
  userId: string,
  signal?: AbortSignal,
): Promise<void> {
  const g = await requireGroup(session, title, signal);
  if (!(await loadUser(session, userId, signal))) {
    throw new TapPlusError(`User ${JSON.stringify(userId)} does not exist in the archive`, {
      status: 404,
    });
  }
  if (g.users.some((u) => u.id === userId)) return;
  await session.call("tap", "tap/share", {
    form: { action: "CreateUserGroup", group_id: g.id, user_id: userId },
    action: `Adding ${JSON.stringify(userId)} to group ${JSON.stringify(title)}`,
    signal,
  });
}

/** Removes a member from a group. */
export async function removeGroupUser(
  session: TapPlusSession,
  title: string,
  userId: string,
  signal?: AbortSignal,
): Promise<void> {
  const g = await requireGroup(session, title, signal);
  if (!g.users.some((u) => u.id === userId)) {
    throw new TapPlusError(
      `User ${JSON.stringify(userId)} is not a member of group ${JSON.stringify(title)}`,
      { status: 404 },
    );
  }
  await session.call("tap", "tap/share", {
    form: { action: "RemoveUserGroup", group_id: g.id, user_id: userId },
    action: `Removing ${JSON.stringify(userId)} from group ${JSON.stringify(title)}`,
    signal,
  });
}

/** Shares a user table with a group (read access). Returns the shared item's id. */
export async function shareTable(
  session: TapPlusSession,
  table: string,
  groupTitle: string,
  options: { description?: string; signal?: AbortSignal } = {},
): Promise<string | undefined> {
  const name = qualifyUserTable(session.requireUser("shareTable()"), table);
  const g = await requireGroup(session, groupTitle, options.signal);
  const existing = (await loadSharedItems(session, options.signal)).find((i) =>
    i.title.toLowerCase() === name.toLowerCase()
  );
  const targets = new Set(
    (existing?.sharedTo ?? []).map((t) => `${t.shareTo}|${t.shareType}|${t.shareMode}`),
  );
  targets.add(`${g.id}|Group|Read`);
  const res = await session.call("tap", "tap/share", {
    form: {
      action: "CreateOrUpdateItem",
      resource_type: "0",
      title: name,
      description: options.description ?? existing?.description ?? "",
      items_list: [...targets].join(","),
      ...(existing ? { resource_id: existing.id } : {}),
    },
    action: `Sharing ${JSON.stringify(name)} with ${JSON.stringify(groupTitle)}`,
    signal: options.signal,
  });
  return parseShareAnswer(res.text).id ?? existing?.id;
}

/** Stops sharing a table with a group (the item goes when no group is left). */
export async function unshareTable(
  session: TapPlusSession,
  table: string,
  groupTitle: string,
  signal?: AbortSignal,
): Promise<void> {
  const name = qualifyUserTable(session.requireUser("unshareTable()"), table);
  const g = await requireGroup(session, groupTitle, signal);
  const item = (await loadSharedItems(session, signal)).find((i) =>
    i.title.toLowerCase() === name.toLowerCase()
  );
  if (!item || !item.sharedTo.some((t) => t.shareTo === g.id)) {
    throw new TapPlusError(
      `Table ${JSON.stringify(name)} is not shared with ${JSON.stringify(groupTitle)}`,
      { status: 404 },
    );
  }
  const rest = item.sharedTo.filter((t) => t.shareTo !== g.id);
  if (rest.length === 0) {
    await session.call("tap", "tap/share", {
      form: { action: "RemoveItem", resource_id: item.id, resource_type: "0" },
      action: `Unsharing ${JSON.stringify(name)}`,
      signal,
    });
    return;
  }
  await session.call("tap", "tap/share", {
    form: {
      action: "CreateOrUpdateItem",
      resource_type: "0",
      resource_id: item.id,
      title: name,
      description: item.description,
      items_list: rest.map((t) => `${t.shareTo}|${t.shareType}|${t.shareMode}`).join(","),
    },
    action: `Unsharing ${JSON.stringify(name)} from ${JSON.stringify(groupTitle)}`,
    signal,
  });
}
