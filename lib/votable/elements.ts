/**
 * The header tree the parser keeps (every element except row data) and the
 * conversions from its nodes to the document types.
 *
 * @module
 */
import {
  type ColumnMeta,
  FIELD_ATTRIBUTE_KEYS,
  type InfoElement,
  type QueryStatus,
} from "../table/metadata.ts";
import type {
  CooSys,
  GroupElement,
  LinkElement,
  ServiceDescriptor,
  TimeSys,
  ValuesElement,
  VOTableParam,
} from "./document.ts";

/** An element of the header tree. */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  offset: number;
  parent: XNode | undefined;
}

/** Children named `name`. */
export function childrenNamed(n: XNode, name: string): XNode[] {
  return n.children.filter((c) => c.name === name);
}

/** Trimmed text of the first DESCRIPTION child, if any. */
export function descriptionOf(n: XNode): string | undefined {
  const d = n.children.find((c) => c.name === "DESCRIPTION");
  return d ? d.text.trim() : undefined;
}

function pick<T extends object>(attrs: Record<string, string>, keys: readonly string[]): T {
  const out: Record<string, string> = {};
  for (const k of keys) if (attrs[k] !== undefined) out[k] = attrs[k];
  return out as T;
}

/** FIELD or PARAM node -> column metadata (attributes, DESCRIPTION, LINKs, VALUES null). */
export function columnMetaOf(n: XNode, index: number): ColumnMeta {
  const meta: ColumnMeta = { name: n.attrs.name ?? n.attrs.ID ?? `col${index + 1}` };
  for (const k of FIELD_ATTRIBUTE_KEYS) if (n.attrs[k] !== undefined) meta[k] = n.attrs[k];
  const d = descriptionOf(n);
  if (d !== undefined && d !== "") meta.description = d;
  const links = childrenNamed(n, "LINK").map((l) => ({ ...l.attrs }));
  if (links.length) meta.links = links;
  const v = n.children.find((c) => c.name === "VALUES");
  if (v?.attrs.null !== undefined) meta.null = v.attrs.null;
  return meta;
}

/** VALUES node -> values element. */
export function valuesOf(n: XNode): ValuesElement {
  const out: ValuesElement = { options: [] };
  if (n.attrs.null !== undefined) out.null = n.attrs.null;
  if (n.attrs.ref !== undefined) out.ref = n.attrs.ref;
  const lim = (c: XNode | undefined) =>
    c
      ? { value: c.attrs.value ?? c.text.trim(), inclusive: c.attrs.inclusive !== "no" }
      : undefined;
  const min = lim(n.children.find((c) => c.name === "MIN"));
  const max = lim(n.children.find((c) => c.name === "MAX"));
  if (min) out.min = min;
  if (max) out.max = max;
  const walk = (o: XNode) => {
    for (const c of childrenNamed(o, "OPTION")) {
      out.options.push(
        c.attrs.name !== undefined ? { value: c.attrs.value ?? "", name: c.attrs.name } : {
          value: c.attrs.value ?? "",
        },
      );
      walk(c);
    }
  };
  walk(n);
  return out;
}

/** PARAM node -> param. */
export function paramOf(n: XNode, index = 0): VOTableParam {
  const p: VOTableParam = { ...columnMetaOf(n, index), value: n.attrs.value ?? "" };
  const v = n.children.find((c) => c.name === "VALUES");
  if (v) p.values = valuesOf(v);
  return p;
}

/** INFO node -> info. */
export function infoOf(n: XNode): InfoElement {
  const i: InfoElement = { name: n.attrs.name ?? "", value: n.attrs.value ?? "" };
  if (n.attrs.ID !== undefined) i.ID = n.attrs.ID;
  if (n.attrs.ucd !== undefined) i.ucd = n.attrs.ucd;
  const t = n.text.trim();
  if (t !== "") i.content = t;
  return i;
}

/** GROUP node -> group. */
export function groupOf(n: XNode): GroupElement {
  const g: GroupElement = {
    ...pick<Partial<GroupElement>>(n.attrs, ["name", "ID", "ucd", "utype", "ref"]),
    fieldRefs: childrenNamed(n, "FIELDref").map((c) => c.attrs.ref ?? ""),
    paramRefs: childrenNamed(n, "PARAMref").map((c) => c.attrs.ref ?? ""),
    params: childrenNamed(n, "PARAM").map((c, i) => paramOf(c, i)),
    groups: childrenNamed(n, "GROUP").map(groupOf),
  };
  const d = descriptionOf(n);
  if (d !== undefined) g.description = d;
  return g;
}

/** COOSYS node -> coordinate system. */
export function coosysOf(n: XNode): CooSys {
  return pick<CooSys>(n.attrs, ["ID", "system", "equinox", "epoch", "refposition"]);
}

/** TIMESYS node -> time system. */
export function timesysOf(n: XNode): TimeSys {
  return pick<TimeSys>(n.attrs, ["ID", "timeorigin", "timescale", "refposition"]);
}

/** LINK node -> link. */
export function linkOf(n: XNode): LinkElement {
  return { ...n.attrs };
}

/** True for `RESOURCE type="meta" utype="adhoc:service"`. */
export function isServiceDescriptor(n: XNode): boolean {
  return n.name === "RESOURCE" && n.attrs.type === "meta" &&
    (n.attrs.utype ?? "").toLowerCase() === "adhoc:service";
}

/** Service-descriptor RESOURCE node -> descriptor. */
export function serviceDescriptorOf(n: XNode): ServiceDescriptor {
  const params = childrenNamed(n, "PARAM").map((c, i) => paramOf(c, i));
  const inputs: VOTableParam[] = [];
  for (const g of childrenNamed(n, "GROUP")) {
    if (g.attrs.name === "inputParams") {
      inputs.push(...childrenNamed(g, "PARAM").map((c, i) => paramOf(c, i)));
    }
  }
  const value = (name: string) => params.find((p) => p.name === name)?.value;
  const sd: ServiceDescriptor = { params, inputParams: inputs };
  if (n.attrs.ID !== undefined) sd.ID = n.attrs.ID;
  if (n.attrs.name !== undefined) sd.name = n.attrs.name;
  const d = descriptionOf(n);
  if (d !== undefined) sd.description = d;
  for (
    const [k, p] of [
      ["standardID", "standardID"],
      ["accessURL", "accessURL"],
      ["resourceIdentifier", "resourceIdentifier"],
      ["contentType", "contentType"],
    ] as const
  ) {
    const v = value(p);
    if (v !== undefined) sd[k] = v;
  }
  return sd;
}

const RANK: Record<string, number> = { OK: 1, OVERFLOW: 2, ERROR: 3 };

/**
 * The query status of a document from all its `INFO name="QUERY_STATUS"`
 * elements: ERROR wins over OVERFLOW, which wins over OK (DaCHS writes OK
 * before the table and OVERFLOW after it).
 */
export function queryStatusOf(
  nodes: Iterable<XNode>,
): { status: QueryStatus; message?: string } | undefined {
  let best: XNode | undefined;
  for (const n of nodes) {
    if (n.name !== "INFO" || n.attrs.name !== "QUERY_STATUS") continue;
    const v = (n.attrs.value ?? "").toUpperCase();
    if (!(v in RANK)) continue;
    if (!best || RANK[v] >= RANK[(best.attrs.value ?? "").toUpperCase()]) best = n;
  }
  if (!best) return undefined;
  const status = (best.attrs.value ?? "").toUpperCase() as QueryStatus;
  const text = best.text.trim();
  return text !== "" ? { status, message: text } : { status };
}
