/**
 * Small XML helpers for the VOSI and UWS documents (small documents, so
 * fast-xml-parser is fine here; tables are never read this way).
 *
 * @module
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { TableFormatError } from "../io/errors.ts";

/** A parsed XML element: attributes under `@name` (prefix kept), text under `#text`. */
export type XmlNode = Record<string, unknown>;

const ARRAY_TAGS = new Set([
  "schema",
  "table",
  "column",
  "flag",
  "foreignKey",
  "fkColumn",
  "capability",
  "interface",
  "outputFormat",
  "alias",
  "uploadMethod",
  "language",
  "version",
  "parameter",
  "result",
  "jobref",
  "job",
  "note",
  "accessURL",
  "feature",
  "languageFeatures",
]);

/**
 * Parses a small XML document, dropping namespace prefixes from element names
 * (attribute prefixes such as `xsi:` or `esatapplus:` are kept).
 *
 * @throws {TableFormatError} (format `what`) for malformed XML
 *
 * @example
 * ```ts
 * import { parseXml } from "./xml.ts";
 * const doc = parseXml('<uws:job xmlns:uws="u"><uws:phase>QUEUED</uws:phase></uws:job>', "UWS");
 * const job = (doc["job"] as Array<Record<string, unknown>>)[0]!; // <job> is always a list
 * if (job["phase"] !== "QUEUED") throw new Error();
 * ```
 */
export function parseXml(text: string, what: string): XmlNode {
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    throw new TableFormatError(
      `Malformed ${what} document: ${e instanceof Error ? e.message : String(e)}`,
      {
        format: what,
        cause: e,
      },
    );
  }
  if (valid !== true) {
    throw new TableFormatError(`Malformed ${what} document: ${valid.err.msg}`, {
      format: what,
      line: valid.err.line,
      column: valid.err.col,
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    transformTagName: (name: string) => name.replace(/^[^:]*:/, ""),
    isArray: (name: string) => ARRAY_TAGS.has(name.replace(/^[^:]*:/, "")),
  });
  try {
    return parser.parse(text) as XmlNode;
  } catch (e) {
    // The validator lets a few malformations through (e.g. an unclosed <?...?>).
    throw new TableFormatError(
      `Malformed ${what} document: ${e instanceof Error ? e.message : String(e)}`,
      {
        format: what,
        cause: e,
      },
    );
  }
}

/**
 * The text content of a parsed node (string, or `#text` of an element with attributes).
 *
 * @example
 * ```ts
 * import { text } from "./xml.ts";
 * if (text({ "#text": "abc", "@id": "x" }) !== "abc" || text("x") !== "x") throw new Error();
 * ```
 */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (typeof node === "object") {
    const o = node as XmlNode;
    if (isNil(o)) return undefined;
    const t = o["#text"];
    return t === undefined ? "" : String(t);
  }
  return undefined;
}

/**
 * Trimmed text, or `undefined` when empty or nil.
 *
 * @example
 * ```ts
 * import { nonEmpty } from "./xml.ts";
 * if (nonEmpty("  ") !== undefined || nonEmpty(" a ") !== "a") throw new Error();
 * ```
 */
export function nonEmpty(node: unknown): string | undefined {
  const t = text(node)?.trim();
  return t ? t : undefined;
}

/**
 * True for `xsi:nil="true"`.
 *
 * @example
 * ```ts
 * import { isNil } from "./xml.ts";
 * if (!isNil({ "@xsi:nil": "true" }) || isNil({})) throw new Error();
 * ```
 */
export function isNil(node: unknown): boolean {
  if (!node || typeof node !== "object") return false;
  const o = node as XmlNode;
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("@") && /(^@|:)nil$/.test(k) && v === "true") return true;
  }
  return false;
}

/**
 * An attribute by local name, whatever its prefix (`attr(node, "type")` finds `@xsi:type`).
 *
 * @example
 * ```ts
 * import { attr } from "./xml.ts";
 * if (attr({ "@xsi:type": "vs:VOTableType" }, "type") !== "vs:VOTableType") throw new Error();
 * ```
 */
export function attr(node: unknown, local: string): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const o = node as XmlNode;
  if (typeof o[`@${local}`] === "string") return o[`@${local}`] as string;
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("@") && k.endsWith(`:${local}`) && typeof v === "string") return v;
  }
  return undefined;
}

/**
 * Attributes with a given prefix (`esatapplus`), keyed by local name.
 *
 * @example
 * ```ts
 * import { prefixedAttrs } from "./xml.ts";
 * if (prefixedAttrs({ "@esatapplus:flags": "1", "@std": "false" }, "esatapplus").flags !== "1") throw new Error();
 * ```
 */
export function prefixedAttrs(node: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!node || typeof node !== "object") return out;
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith(`@${prefix}:`) && typeof v === "string") out[k.slice(prefix.length + 2)] = v;
  }
  return out;
}

/**
 * A child list (always an array).
 *
 * @example
 * ```ts
 * import { list } from "./xml.ts";
 * if (list({ a: { "@id": "1" } }, "a").length !== 1 || list({}, "a").length !== 0) throw new Error();
 * ```
 */
export function list(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== "object") return [];
  const v = (node as XmlNode)[name];
  if (v === undefined || v === null || v === "") return [];
  return (Array.isArray(v) ? v : [v]).map((
    x,
  ) => (typeof x === "object" && x !== null ? x as XmlNode : { "#text": x }));
}

/**
 * One child element.
 *
 * @example
 * ```ts
 * import { child } from "./xml.ts";
 * if (child({ a: [{ "@id": "1" }, { "@id": "2" }] }, "a")?.["@id"] !== "1") throw new Error();
 * ```
 */
export function child(node: unknown, name: string): XmlNode | undefined {
  return list(node, name)[0];
}
