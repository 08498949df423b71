/**
 * TAP+ sharing (`tap/share`): groups of users and items (user tables) shared
 * to groups, read-only. Decides who may read `user_<x>.<table>`: its owner,
 * and members (or the owner) of a group it is shared to. Persisted atomically
 * in `<dataDir>/sharing.json`.
 *
 * @module
 */
import { ArchiveHttpError, cdata, xmlEscape } from "./http_error.ts";
import { readJsonFile, writeFileAtomic } from "./persist.ts";

/** A sharing group. */
export interface ShareGroup {
  /** Group id (`<owner>_<ms>JC`). */
  id: string;
  /** User who made the group. */
  owner: string;
  /** Group title (astroquery finds groups by title). */
  title: string;
  /** Free text. */
  description: string;
  /** Members. */
  users: string[];
}

/** A shared item (type 0 = table). */
export interface SharedItem {
  /** Resource id (`<owner>_<ms>JC`). */
  id: string;
  /** Owner of the table. */
  owner: string;
  /** Resource type (0 = table). */
  type: number;
  /** Qualified table name `user_<owner>.<table>`. */
  title: string;
  /** Free text. */
  description: string;
  /** Groups it is shared to (`Group`, `Read`). */
  sharedTo: { shareTo: string; shareType: string; shareMode: string }[];
}

interface SharingFile {
  groups: ShareGroup[];
  items: SharedItem[];
}

let lastId = 0;
/** A unique id in the archive's style: `<owner>_<epoch ms>JC`. */
function newId(owner: string): string {
  lastId = Math.max(Date.now(), lastId + 1);
  return `${owner}_${lastId}JC`;
}

/**
 * Groups and shared items of all users.
 *
 * @example
 * ```ts
 * import { SharingStore } from "./sharing.ts";
 * const s = new SharingStore(undefined);
 * const g = await s.saveGroup("ann", { title: "team", description: "", users: ["bob"] });
 * await s.saveItem("ann", { title: "user_ann.stars", description: "", groupIds: [g.id] });
 * if (!s.canRead("bob", "user_ann.stars")) throw new Error("bob is in the group");
 * if (s.canRead("eve", "user_ann.stars")) throw new Error("eve is not");
 * ```
 */
export class SharingStore {
  #file: string | undefined;
  #groups: ShareGroup[] = [];
  #items: SharedItem[] = [];

  /** A store persisted in `file` (or in memory when `undefined`). */
  constructor(file: string | undefined) {
    this.#file = file;
  }

  /** Loads the persisted state. */
  async load(): Promise<void> {
    if (!this.#file) return;
    const data = await readJsonFile<SharingFile>(this.#file);
    if (data) {
      this.#groups = data.groups ?? [];
      this.#items = data.items ?? [];
    }
  }

  async #save(): Promise<void> {
    if (!this.#file) return;
    await writeFileAtomic(
      this.#file,
      JSON.stringify({ groups: this.#groups, items: this.#items }, null, 1),
    );
  }

  /** Whether `user` (undefined = anonymous) may read the table `qualifiedName`. */
  canRead(user: string | undefined, qualifiedName: string): boolean {
    const name = qualifiedName.toLowerCase().replaceAll('"', "");
    const dot = name.indexOf(".");
    const schema = dot < 0 ? name : name.slice(0, dot);
    if (!schema.startsWith("user_")) return true;
    if (!user) return false;
    if (schema === `user_${user}`) return true;
    return this.#items.some((it) =>
      it.title.toLowerCase() === name &&
      it.sharedTo.some((t) => {
        const g = this.#groups.find((g) => g.id === t.shareTo);
        return g !== undefined && (g.owner === user || g.users.includes(user));
      })
    );
  }

  /** Whether a table is shared to anyone. */
  isShared(qualifiedName: string): boolean {
    const n = qualifiedName.toLowerCase();
    return this.#items.some((it) => it.title.toLowerCase() === n);
  }

  /** Groups the user owns or belongs to. */
  groupsOf(user: string, ids?: string[]): ShareGroup[] {
    return this.#groups.filter((g) =>
      (g.owner === user || g.users.includes(user)) && (!ids || ids.includes(g.id))
    );
  }

  /** Items the user owns. */
  itemsOf(user: string): SharedItem[] {
    return this.#items.filter((i) => i.owner === user);
  }

  #ownedGroup(user: string, id: string): ShareGroup {
    const g = this.#groups.find((g) => g.id === id);
    if (!g) throw new ArchiveHttpError(404, `Group '${id}' not found`, { style: "text" });
    if (g.owner !== user) {
      throw new ArchiveHttpError(403, `Group '${id}' belongs to another user`, { style: "text" });
    }
    return g;
  }

  /** Creates or (with `id`) updates a group. */
  async saveGroup(
    user: string,
    g: { id?: string; title: string; description: string; users: string[] },
  ): Promise<ShareGroup & { created: boolean }> {
    if (!g.title.trim()) {
      throw new ArchiveHttpError(400, "Missing required parameter 'title'", { style: "text" });
    }
    if (g.id) {
      const old = this.#ownedGroup(user, g.id);
      old.title = g.title;
      old.description = g.description;
      old.users = [...new Set(g.users)];
      await this.#save();
      return { ...old, created: false };
    }
    if (this.#groups.some((x) => x.owner === user && x.title === g.title)) {
      throw new ArchiveHttpError(400, `Group '${g.title}' already exists`, { style: "text" });
    }
    const group: ShareGroup = {
      id: newId(user),
      owner: user,
      title: g.title,
      description: g.description,
      users: [...new Set(g.users)],
    };
    this.#groups.push(group);
    await this.#save();
    return { ...group, created: true };
  }

  /** Adds or removes one member. */
  async setMember(user: string, groupId: string, member: string, add: boolean): Promise<void> {
    const g = this.#ownedGroup(user, groupId);
    g.users = add ? [...new Set([...g.users, member])] : g.users.filter((u) => u !== member);
    await this.#save();
  }

  /** Removes a group and every share to it. */
  async removeGroup(user: string, groupId: string): Promise<void> {
    this.#ownedGroup(user, groupId);
    this.#groups = this.#groups.filter((g) => g.id !== groupId);
    for (const it of this.#items) it.sharedTo = it.sharedTo.filter((t) => t.shareTo !== groupId);
    await this.#save();
  }

  /** Shares (or re-shares, with `id`) a table of the user to groups. */
  async saveItem(
    user: string,
    item: { id?: string; title: string; description: string; groupIds: string[] },
  ): Promise<SharedItem & { created: boolean }> {
    const schema = item.title.toLowerCase().split(".")[0];
    if (schema !== `user_${user}`) {
      throw new ArchiveHttpError(
        403,
        `Cannot share '${item.title}': only tables of your own schema user_${user} can be shared`,
        { style: "text" },
      );
    }
    for (const gid of item.groupIds) {
      if (!this.#groups.some((g) => g.id === gid && (g.owner === user || g.users.includes(user)))) {
        throw new ArchiveHttpError(404, `Group '${gid}' not found`, { style: "text" });
      }
    }
    const sharedTo = item.groupIds.map((g) => ({
      shareTo: g,
      shareType: "Group",
      shareMode: "Read",
    }));
    const existing = item.id
      ? this.#items.find((i) => i.id === item.id)
      : this.#items.find((i) =>
        i.owner === user && i.title.toLowerCase() === item.title.toLowerCase()
      );
    if (item.id && !existing) {
      throw new ArchiveHttpError(404, `Resource '${item.id}' not found`, { style: "text" });
    }
    if (existing) {
      if (existing.owner !== user) {
        throw new ArchiveHttpError(403, `Resource '${existing.id}' belongs to another user`, {
          style: "text",
        });
      }
      existing.description = item.description || existing.description;
      const merged = new Map(existing.sharedTo.map((t) => [t.shareTo, t]));
      for (const t of sharedTo) merged.set(t.shareTo, t);
      existing.sharedTo = [...merged.values()];
      await this.#save();
      return { ...existing, created: false };
    }
    const created: SharedItem = {
      id: newId(user),
      owner: user,
      type: 0,
      title: item.title,
      description: item.description,
      sharedTo,
    };
    this.#items.push(created);
    await this.#save();
    return { ...created, created: true };
  }

  /** Stops sharing an item (all groups). */
  async removeItem(user: string, resourceId: string): Promise<void> {
    const it = this.#items.find((i) => i.id === resourceId);
    if (!it) {
      throw new ArchiveHttpError(404, `Resource '${resourceId}' not found`, { style: "text" });
    }
    if (it.owner !== user) {
      throw new ArchiveHttpError(403, `Resource '${resourceId}' belongs to another user`, {
        style: "text",
      });
    }
    this.#items = this.#items.filter((i) => i !== it);
    await this.#save();
  }

  /** Forgets the shares of a dropped table. */
  async tableDropped(qualifiedName: string): Promise<void> {
    const n = qualifiedName.toLowerCase();
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => i.title.toLowerCase() !== n);
    if (this.#items.length !== before) await this.#save();
  }

  /** Follows a table rename. */
  async tableRenamed(oldName: string, newName: string): Promise<void> {
    let changed = false;
    for (const i of this.#items) {
      if (i.title.toLowerCase() === oldName.toLowerCase()) {
        i.title = newName;
        changed = true;
      }
    }
    if (changed) await this.#save();
  }

  /** The `GetGroups` document. */
  groupsXml(user: string, includeUsers: boolean, ids?: string[], descriptionsOnly = false): string {
    const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<sharedGroups>"];
    for (const g of this.groupsOf(user, ids)) {
      out.push(`<sharedGroup id="${xmlEscape(g.id)}" owner="${xmlEscape(g.owner)}">`);
      out.push(`<title>${cdata(g.title)}</title>`);
      out.push(`<description>${cdata(g.description)}</description>`);
      if (includeUsers && !descriptionsOnly) {
        out.push(
          "<users>" +
            g.users.map((u) => `<user id="${xmlEscape(u)}" name="${xmlEscape(u)}"/>`).join("") +
            "</users>",
        );
      }
      out.push("</sharedGroup>");
    }
    out.push("</sharedGroups>", "");
    return out.join("\n");
  }

  /** The `GetSharedItems` document. */
  itemsXml(user: string, descriptionsOnly = false): string {
    const out = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<sharedItems owner="${xmlEscape(user)}">`,
    ];
    for (const it of this.itemsOf(user)) {
      out.push(`<sharedItem id="${xmlEscape(it.id)}" type="${it.type}">`);
      out.push(`<title>${cdata(it.title)}</title>`);
      out.push(`<description>${cdata(it.description)}</description>`);
      if (!descriptionsOnly) {
        out.push("<sharedToItems>");
        for (const t of it.sharedTo) {
          out.push(
            `<sharedToItem shareTo="${xmlEscape(t.shareTo)}" shareType="${
              xmlEscape(t.shareType)
            }" ` +
              `shareMode="${xmlEscape(t.shareMode)}"/>`,
          );
        }
        out.push("</sharedToItems>");
      }
      out.push("</sharedItem>");
    }
    out.push("</sharedItems>", "");
    return out.join("\n");
  }
}
