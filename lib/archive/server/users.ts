/**
 * Accounts of the local archive. Passwords are kept only as scrypt hashes
 * (node:crypto, random salt) and compared in constant time; they are never
 * logged, stored in clear, or put in an error message.
 *
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** An account given to the archive at start. */
export interface ArchiveUser {
  /** Login name: letters, digits, `_`, `-`, `.`; its tables live in `user_<name>`. */
  name: string;
  /** Password in clear (hashed at once, never kept). */
  password: string;
}

interface StoredUser {
  name: string;
  salt: Uint8Array;
  hash: Uint8Array;
}

const KEYLEN = 32;
const SCRYPT = { N: 16384, r: 8, p: 1 };

function hashPassword(password: string, salt: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      salt,
      KEYLEN,
      SCRYPT,
      (err, key) => err ? reject(err) : resolve(new Uint8Array(key)),
    )
  );
}

/** Pattern of a valid login name (also safe as part of a schema name and a path). */
export const USER_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The user accounts: hashed passwords, verification, lookup.
 *
 * @example
 * ```ts
 * import { UserStore } from "./users.ts";
 * const users = await UserStore.create([{ name: "ann", password: "secret" }]);
 * if (!(await users.verify("ann", "secret"))) throw new Error("should accept");
 * if (await users.verify("ann", "wrong")) throw new Error("should refuse");
 * ```
 */
export class UserStore {
  #users = new Map<string, StoredUser>();
  #dummy: StoredUser | undefined;

  /** Hashes the passwords of the given accounts. */
  static async create(users: ArchiveUser[]): Promise<UserStore> {
    const store = new UserStore();
    for (const u of users) await store.add(u);
    const salt = new Uint8Array(randomBytes(16));
    store.#dummy = { name: "", salt, hash: await hashPassword("not a password", salt) };
    return store;
  }

  /** Adds (or replaces) an account. */
  async add(user: ArchiveUser): Promise<void> {
    if (!USER_NAME_PATTERN.test(user.name)) {
      throw new TypeError(
        `User name '${user.name}' is not allowed: use lower-case letters, digits and '_', ` +
          `starting with a letter (it becomes the schema user_<name>)`,
      );
    }
    if (typeof user.password !== "string" || user.password.length === 0) {
      throw new TypeError(`User '${user.name}' needs a non-empty password`);
    }
    const salt = new Uint8Array(randomBytes(16));
    this.#users.set(user.name, {
      name: user.name,
      salt,
      hash: await hashPassword(user.password, salt),
    });
  }

  /** Whether an account exists. */
  has(name: string): boolean {
    return this.#users.has(name);
  }

  /** The account names. */
  names(): string[] {
    return [...this.#users.keys()];
  }

  /** Checks a password; same work whether the user exists or not. */
  async verify(name: string, password: string): Promise<boolean> {
    const u = this.#users.get(name);
    const ref = u ?? this.#dummy;
    if (!ref) return false;
    const h = await hashPassword(password, ref.salt);
    return timingSafeEqual(h, ref.hash) && u !== undefined;
  }

  /** Never shows hashes or salts. */
  toJSON(): { users: string[] } {
    return { users: this.names() };
  }
}
