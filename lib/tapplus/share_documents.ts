/**
 * Parsers for the TAP+ sharing documents (`tap/share?action=GetGroups`,
 * `GetSharedItems`) and answers (`OK\nGroup '<id>' successfully created.`).
 *
 * @module
 */
import { XMLParser } from "fast-xml-parser";
import { TableFormatError } from "../io/errors.ts";

/** A member of a sharing group. */
export interface GroupMember {
  /** User id. */
  id: string;
  /** Display name, when the archive sends it. */
  name?: string;
}

/** A sharing group. */
export interface SharedGroup {
  /** Group id, e.g. `ann_1425480932331JC`. */
  id: string;
  /** User who owns the group. */
  owner: string;
  /** Group title (how astroquery and deno-gaia name groups). */
  title: string;
  /** Group description. */
  description: string;
  /** Members (when the archive was asked to include them). */
  users: GroupMember[];
}

/** Who an item is shared to. */
export interface ShareTarget {
  /** Group id. */
  shareTo: string;
  /** `Group` (or `User`). */
  shareType: string;
  /** `Read` (or `Write`). */
  shareMode: string;
}

/** A shared item (a table). */
export interface SharedItem {
  /** Item id. */
  id: string;
  /** `0` for tables. */
  type: string;
  /** The table, `user_<login>.<table>`. */
  title: string;
  /** Item description. */
  description: string;
  /** User who shares it. */
  owner: string;
  /** Groups it is shared with. */
  sharedTo: ShareTarget[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  cdataPropName: false as unknown as string,
  isArray: (name) => ["sharedGroup", "user", "sharedItem", "sharedToItem"].includes(name),
});

function parse(xml: string, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new TableFormatError(`Malformed sharing document: ${(e as Error).message}`, {
      format: "TAP+ share",
      cause: e,
    });
  }
  if (!(root in doc)) {
    throw new TableFormatError(`Not a sharing document: no <${root}> element`, {
      format: "TAP+ share",
      element: root,
    });
  }
  return (doc[root] ?? {}) as Record<string, unknown>;
}

const str = (
  v: unknown,
): string => (v === undefined || v === null ? "" : typeof v === "object" ? "" : String(v).trim());

/**
 * Parses a `GetGroups` answer.
 *
 * @example
 * ```ts
 * import { parseSharedGroups } from "./share_documents.ts";
 * const g = parseSharedGroups(`<sharedGroups><sharedGroup id="g1" owner="bob">
 *   <title><![CDATA[friends]]></title><description><![CDATA[d]]></description>
 *   <users><user id="ann" name="Ann"/></users></sharedGroup></sharedGroups>`);
 * if (g[0].title !== "friends" || g[0].users[0].id !== "ann") throw new Error(JSON.stringify(g));
 * ```
 */
export function parseSharedGroups(xml: string): SharedGroup[] {
  const root = parse(xml, "sharedGroups");
  const groups = (root["sharedGroup"] ?? []) as Array<Record<string, unknown>>;
  return groups.map((g) => {
    const users = ((g["users"] as Record<string, unknown> | undefined)?.["user"] ?? []) as Array<
      Record<string, unknown>
    >;
    return {
      id: str(g["@id"]),
      owner: str(g["@owner"]),
      title: str(g["title"]),
      description: str(g["description"]),
      users: users.map((u) => {
        const m: GroupMember = { id: str(u["@id"]) };
        const n = str(u["@name"]);
        if (n) m.name = n;
        return m;
      }),
    };
  });
}

/**
 * Parses a `GetSharedItems` answer.
 *
 * @example
 * ```ts
 * import { parseSharedItems } from "./share_documents.ts";
 * const items = parseSharedItems(`<sharedItems owner="bob"><sharedItem id="i1" type="0">
 *   <title><![CDATA[user_bob.t]]></title><description><![CDATA[]]></description>
 *   <sharedToItems><sharedToItem shareTo="g1" shareType="Group" shareMode="Read"/></sharedToItems>
 * </sharedItem></sharedItems>`);
 * if (items[0].title !== "user_bob.t" || items[0].sharedTo[0].shareTo !== "g1") throw new Error();
 * ```
 */
export function parseSharedItems(xml: string): SharedItem[] {
  const root = parse(xml, "sharedItems");
  const owner = str(root["@owner"]);
  const items = (root["sharedItem"] ?? []) as Array<Record<string, unknown>>;
  return items.map((it) => {
    const to = ((it["sharedToItems"] as Record<string, unknown> | undefined)?.["sharedToItem"] ??
      []) as Array<
        Record<string, unknown>
      >;
    return {
      id: str(it["@id"]),
      type: str(it["@type"]),
      title: str(it["title"]),
      description: str(it["description"]),
      owner,
      sharedTo: to.map((t) => ({
        shareTo: str(t["@shareTo"]),
        shareType: str(t["@shareType"]),
        shareMode: str(t["@shareMode"]),
      })),
    };
  });
}

/**
 * Reads the id out of a share write answer (`OK\nGroup 'bob_1425480932331JC'
 * successfully created.`); undefined when the answer names none.
 *
 * @example
 * ```ts
 * import { parseShareAnswer } from "./share_documents.ts";
 * if (parseShareAnswer("OK\nResource 'bob_14JC' (type '0') successfully created.").id !== "bob_14JC") throw new Error();
 * ```
 */
export function parseShareAnswer(
  text: string,
): { ok: boolean; id: string | undefined; message: string } {
  const lines = text.trim().split(/\r?\n/);
  const ok = lines[0]?.trim().toUpperCase() === "OK";
  const message = lines.slice(ok ? 1 : 0).join("\n").trim();
  const m = /'([^']+)'/.exec(message);
  return { ok, id: m?.[1], message };
}
