/**
 * The streaming VOTable parser behind {@linkcode readVOTable} and
 * {@linkcode parseVOTableDocument}: tokenizes the header into a small tree,
 * and at each `<DATA>` hands the bytes to the TABLEDATA or BINARY scanner,
 * emitting a schema event, record batches and an end event per table.
 *
 * @module
 */
import { type RecordBatch, Schema } from "apache-arrow";
import { buildersFor, type ColumnBuilder, finishBatch, reserveRows } from "../table/builders.ts";
import { BinaryScanner } from "./binary.ts";
import { columnMetaOf, type XNode } from "./elements.ts";
import { truncated, VOTableSyntaxError, VOTableUnsupportedError } from "./errors.ts";
import { type FieldSpec, fieldSpec, K_CHAR, uniqueNames } from "./fields.ts";
import type { ByteInput } from "./input.ts";
import { SCAN_END, SCAN_FULL, TableDataScanner, tabledataTruncated } from "./tabledata.ts";
import { nextToken, type Token } from "./xml.ts";

/** One TABLE being read. */
export interface TableState {
  node: XNode;
  /** 0-based index among all TABLEs of the document. */
  index: number;
  wanted: boolean;
  specs: FieldSpec[];
  schema: Schema;
  builders: ColumnBuilder[];
  /** `votable/tabledata`, `votable/binary`, `votable/binary2`, or `votable` (no DATA). */
  format: string;
  rows: number;
}

/** What the parser reports. */
export type ParseEvent =
  | { type: "schema"; table: TableState }
  | { type: "batch"; table: TableState; batch: RecordBatch }
  | { type: "end"; table: TableState };

const MORE = 1 << 16;

/** Internal: the parser. */
export class VOTableParser {
  root: XNode | undefined;
  /** Every TABLE node, in document order. */
  readonly tables: XNode[] = [];
  /** Every INFO name="QUERY_STATUS" node. */
  readonly statusInfos: XNode[] = [];
  readonly #inp: ByteInput;
  readonly #wants: (index: number) => boolean;
  readonly #batchSize: number;
  readonly #states = new Map<XNode, TableState>();

  constructor(inp: ByteInput, options: { wants: (index: number) => boolean; batchSize: number }) {
    this.#inp = inp;
    this.#wants = options.wants;
    this.#batchSize = options.batchSize;
  }

  /** The state of a TABLE node once its header was read. */
  stateOf(node: XNode): TableState | undefined {
    return this.#states.get(node);
  }

  async #token(): Promise<Token | undefined> {
    const inp = this.#inp;
    for (;;) {
      if (inp.pos < inp.len) {
        const t = nextToken(inp);
        if (t !== null) return t;
        if (!(await inp.more(MORE))) {
          // At the end of the input, trailing text is a token of its own.
          const last = nextToken(inp);
          if (last !== null) return last;
          const where = this.#stackTop();
          throw truncated(
            `Input ended inside a tag or comment${where ? ` in <${where.name}>` : ""}`,
            {
              offset: inp.offset(inp.pos),
              ...(where ? { element: where.name } : {}),
            },
          );
        }
      } else if (!(await inp.more(1))) return undefined;
    }
  }

  #stack: XNode[] = [];
  #stackTop(): XNode | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  /** Parses the whole input, yielding events for the wanted tables. */
  async *events(): AsyncGenerator<ParseEvent> {
    const inp = this.#inp;
    const stack = this.#stack;
    let closed = false;
    for (;;) {
      const tok = await this.#token();
      if (tok === undefined) break;
      if (tok.kind === "skip") continue;
      if (tok.kind === "text") {
        const top = stack[stack.length - 1];
        if (top && !closed) top.text += tok.text;
        else if (tok.text.replace(/^\uFEFF/, "").trim() !== "") {
          throw new VOTableSyntaxError(
            closed
              ? `Unexpected text after </VOTABLE>: "${tok.text.trim().slice(0, 40)}"`
              : `Not a VOTable: the input starts with "${tok.text.trim().slice(0, 60)}"`,
            { offset: tok.offset },
          );
        }
        continue;
      }
      if (closed) {
        throw new VOTableSyntaxError(
          `Unexpected <${tok.kind === "end" ? "/" : ""}${tok.name}> after </VOTABLE>`,
          {
            offset: tok.offset,
          },
        );
      }
      if (tok.kind === "start") {
        const parent = stack[stack.length - 1];
        if (!parent) {
          if (this.root) {
            throw new VOTableSyntaxError(`Second root element <${tok.name}>`, {
              offset: tok.offset,
            });
          }
          if (tok.name !== "VOTABLE") {
            throw new VOTableSyntaxError(
              `Not a VOTable: the root element is <${tok.name}>, expected <VOTABLE>`,
              { offset: tok.offset, element: tok.name },
            );
          }
        }
        if (
          parent?.name === "DATA" &&
          (tok.name === "TABLEDATA" || tok.name === "BINARY" || tok.name === "BINARY2" ||
            tok.name === "FITS")
        ) {
          const tableNode = parent.parent;
          if (!tableNode || tableNode.name !== "TABLE") {
            throw new VOTableSyntaxError(`<DATA> outside a <TABLE>`, {
              offset: tok.offset,
              element: "DATA",
            });
          }
          let state = this.#states.get(tableNode);
          if (!state) {
            state = this.#makeTable(tableNode);
            if (state.wanted) yield { type: "schema", table: state };
          }
          if (tok.name === "FITS") {
            throw new VOTableUnsupportedError(
              `The FITS serialization inside a VOTable is not supported; ask the server for TABLEDATA or BINARY2 (e.g. FORMAT=votable/b2) or for FITS directly`,
              { offset: tok.offset, element: "FITS" },
            );
          }
          state.format = tok.name === "TABLEDATA"
            ? "votable/tabledata"
            : tok.name === "BINARY"
            ? "votable/binary"
            : "votable/binary2";
          if (tok.empty) continue;
          if (!state.wanted) {
            await this.#skipTo(tok.name);
            continue;
          }
          if (tok.name === "TABLEDATA") yield* this.#tabledata(state);
          else yield* this.#binary(state, tok.name);
          continue;
        }
        const node: XNode = {
          name: tok.name,
          attrs: tok.attrs,
          children: [],
          text: "",
          offset: tok.offset,
          parent,
        };
        if (parent) parent.children.push(node);
        else this.root = node;
        if (tok.name === "TABLE") this.tables.push(node);
        else if (tok.name === "INFO" && tok.attrs.name === "QUERY_STATUS") {
          this.statusInfos.push(node);
        }
        if (tok.empty) yield* this.#closed(node);
        else stack.push(node);
        continue;
      }
      // end tag
      const top = stack.pop();
      if (!top) {
        throw new VOTableSyntaxError(`Unexpected end tag </${tok.name}>`, { offset: tok.offset });
      }
      if (top.name !== tok.name) {
        throw new VOTableSyntaxError(
          `Expected </${top.name}> (opened at byte ${top.offset}), found </${tok.name}>`,
          { offset: tok.offset, element: top.name },
        );
      }
      yield* this.#closed(top);
      if (stack.length === 0) closed = true;
    }
    if (!this.root) {
      throw truncated(`Input is empty: no VOTable`, { offset: inp.offset(inp.len) });
    }
    if (!closed) {
      const top = stack[stack.length - 1];
      throw truncated(`Input ended inside <${top.name}> (opened at byte ${top.offset})`, {
        offset: inp.offset(inp.len),
        element: top.name,
      });
    }
  }

  async *#closed(node: XNode): AsyncGenerator<ParseEvent> {
    if (node.name !== "TABLE") return;
    let state = this.#states.get(node);
    if (!state) {
      state = this.#makeTable(node);
      if (state.wanted) yield { type: "schema", table: state };
    }
    if (!state.wanted) return;
    if (state.builders.length && state.builders[0].length > 0) {
      yield { type: "batch", table: state, batch: finishBatch(state.schema, state.builders) };
    }
    yield { type: "end", table: state };
  }

  #makeTable(node: XNode): TableState {
    const index = this.tables.indexOf(node);
    const fields = node.children.filter((c) => c.name === "FIELD");
    const metas = fields.map((f, i) => columnMetaOf(f, i));
    const names = uniqueNames(metas.map((m) => m.name));
    const specs = metas.map((m, i) =>
      fieldSpec(m, names[i], { offset: fields[i].offset, element: `FIELD ${m.name}` })
    );
    const md = new Map<string, string>();
    if (node.attrs.name !== undefined) md.set("name", node.attrs.name);
    const schema = new Schema(specs.map((s) => s.field), md);
    const wanted = this.#wants(index);
    const builders = wanted ? buildersFor(schema) : [];
    // A TABLE that says how many rows it has gets room for its first batch
    // in the fixed-width builders at once: growing block by block copies
    // the arrays and touches their pages twice. Never more than a batch,
    // whatever nrows claims.
    const nrows = node.attrs.nrows;
    if (nrows !== undefined && /^[0-9]{1,15}$/.test(nrows)) {
      const rows = Math.min(Number(nrows), this.#batchSize);
      // char[n]: at most n bytes a value (reserved up to 8 MiB).
      reserveRows(builders, rows, (i) => {
        const bytes = rows * specs[i].binBytes;
        return specs[i].kind === K_CHAR && bytes > 0 && bytes <= 8 << 20 ? bytes : undefined;
      });
    }
    const state: TableState = {
      node,
      index,
      wanted,
      specs,
      schema,
      builders,
      format: "votable",
      rows: 0,
    };
    this.#states.set(node, state);
    return state;
  }

  async *#tabledata(state: TableState): AsyncGenerator<ParseEvent> {
    const inp = this.#inp;
    const sc = new TableDataScanner(state.specs, state.builders);
    for (;;) {
      const r = sc.scan(inp, this.#batchSize);
      if (r === SCAN_FULL) {
        state.rows = sc.rows;
        yield { type: "batch", table: state, batch: finishBatch(state.schema, state.builders) };
        continue;
      }
      if (r === SCAN_END) break;
      if (!(await inp.more(MORE))) tabledataTruncated(inp, sc.rows);
    }
    state.rows = sc.rows;
  }

  /** Next start or end tag, skipping whitespace, comments and PIs. */
  async #significant(context: string): Promise<Token & { kind: "start" | "end" }> {
    for (;;) {
      const tok = await this.#token();
      if (tok === undefined) {
        throw truncated(`Input ended inside <${context}>`, {
          offset: this.#inp.offset(this.#inp.len),
          element: context,
        });
      }
      if (tok.kind === "skip") continue;
      if (tok.kind === "text") {
        if (tok.text.trim() === "") continue;
        throw new VOTableSyntaxError(
          `Unexpected text "${tok.text.trim().slice(0, 40)}" in <${context}>`,
          {
            offset: tok.offset,
            element: context,
          },
        );
      }
      return tok;
    }
  }

  async *#binary(state: TableState, name: string): AsyncGenerator<ParseEvent> {
    const inp = this.#inp;
    const stream = await this.#significant(name);
    if (stream.kind !== "start" || stream.name !== "STREAM") {
      throw new VOTableSyntaxError(
        `Expected <STREAM> in <${name}>, found <${stream.kind === "end" ? "/" : ""}${stream.name}>`,
        {
          offset: stream.offset,
          element: name,
        },
      );
    }
    if (stream.attrs.href !== undefined) {
      throw new VOTableUnsupportedError(
        `Remote STREAM data (href="${stream.attrs.href}") is not supported; download it and read it as a VOTable or FITS`,
        { offset: stream.offset, element: "STREAM" },
      );
    }
    const enc = stream.attrs.encoding ?? "";
    if (enc !== "base64") {
      throw new VOTableUnsupportedError(
        `STREAM encoding "${enc}" is not supported; only encoding="base64" is`,
        { offset: stream.offset, element: "STREAM" },
      );
    }
    const sc = new BinaryScanner(state.specs, state.builders, name === "BINARY2");
    if (!stream.empty) {
      for (;;) {
        const ended = sc.decode(inp);
        while (sc.rowsFrom(this.#batchSize)) {
          state.rows = sc.rows;
          yield { type: "batch", table: state, batch: finishBatch(state.schema, state.builders) };
        }
        if (ended) break;
        if (!(await inp.more(MORE))) {
          throw truncated(`Input ended inside STREAM after ${sc.rows} complete rows`, {
            offset: inp.offset(inp.len),
            element: "STREAM",
          });
        }
      }
      sc.finish();
      const endStream = await this.#significant("STREAM");
      if (endStream.kind !== "end" || endStream.name !== "STREAM") {
        throw new VOTableSyntaxError(`Expected </STREAM>, found <${endStream.name}>`, {
          offset: endStream.offset,
          element: "STREAM",
        });
      }
    }
    state.rows = sc.rows;
    const end = await this.#significant(name);
    if (end.kind !== "end" || end.name !== name) {
      throw new VOTableSyntaxError(
        `Expected </${name}>, found <${end.kind === "end" ? "/" : ""}${end.name}>`,
        {
          offset: end.offset,
          element: name,
        },
      );
    }
  }

  /** Skips the data of a table nobody asked for, up to and including `</name>`. */
  async #skipTo(name: string): Promise<void> {
    const inp = this.#inp;
    const pat = new TextEncoder().encode(name + ">");
    for (;;) {
      const buf = inp.buf;
      let from = inp.pos;
      for (;;) {
        const i = indexOfBytes(buf, from, inp.len, pat);
        if (i < 0) break;
        // Preceded by "</" or by "</prefix:".
        let k = i - 1;
        if (buf[k] === 0x3a) {
          while (k > inp.pos && buf[k - 1] !== 0x2f && buf[k - 1] !== 0x3c && buf[k - 1] !== 0x3e) {
            k--;
          }
          k--;
        }
        if (buf[k] === 0x2f && buf[k - 1] === 0x3c) {
          inp.pos = i + pat.length;
          return;
        }
        from = i + 1;
      }
      // Keep a tail that may hold the start of the end tag.
      inp.pos = Math.max(inp.pos, inp.len - pat.length - 64);
      if (!(await inp.more(MORE))) {
        throw truncated(`Input ended inside <${name}>`, {
          offset: inp.offset(inp.len),
          element: name,
        });
      }
    }
  }
}

function indexOfBytes(buf: Uint8Array, from: number, end: number, pat: Uint8Array): number {
  const first = pat[0];
  for (
    let i = buf.indexOf(first, from);
    i >= 0 && i + pat.length <= end;
    i = buf.indexOf(first, i + 1)
  ) {
    let ok = true;
    for (let k = 1; k < pat.length; k++) {
      if (buf[i + k] !== pat[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}
