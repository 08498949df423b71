/**
 * The shape of a whole VOTable document as {@linkcode parseVOTableDocument}
 * returns it: nested resources, tables as Arrow, INFOs, PARAMs, coordinate
 * and time systems, GROUPs, LINKs and DataLink service descriptors.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import type { ColumnMeta, InfoElement, ParamElement, QueryStatus } from "../table/metadata.ts";

/** A COOSYS element. */
export interface CooSys {
  ID?: string;
  system?: string;
  equinox?: string;
  epoch?: string;
  refposition?: string;
}

/** A TIMESYS element (VOTable 1.4+). */
export interface TimeSys {
  ID?: string;
  timeorigin?: string;
  timescale?: string;
  refposition?: string;
}

/** A LINK element: all its attributes. */
export interface LinkElement {
  href?: string;
  title?: string;
  "content-role"?: string;
  "content-type"?: string;
  action?: string;
  value?: string;
  ID?: string;
  [attribute: string]: string | undefined;
}

/** The VALUES of a PARAM or FIELD: range, options and null sentinel. */
export interface ValuesElement {
  null?: string;
  min?: { value: string; inclusive: boolean };
  max?: { value: string; inclusive: boolean };
  options: Array<{ value: string; name?: string }>;
  ref?: string;
}

/** A PARAM with its VALUES, when present. */
export interface VOTableParam extends ParamElement {
  values?: ValuesElement;
}

/** A GROUP: references to FIELDs and PARAMs, its own PARAMs and nested GROUPs. */
export interface GroupElement {
  name?: string;
  ID?: string;
  ucd?: string;
  utype?: string;
  ref?: string;
  description?: string;
  fieldRefs: string[];
  paramRefs: string[];
  params: VOTableParam[];
  groups: GroupElement[];
}

/** One TABLE with its data as an Arrow table. */
export interface VOTableTable {
  name?: string;
  ID?: string;
  ucd?: string;
  utype?: string;
  ref?: string;
  nrows?: number;
  description?: string;
  /** Column metadata, one per FIELD (in column order). */
  fields: ColumnMeta[];
  params: VOTableParam[];
  groups: GroupElement[];
  infos: InfoElement[];
  links: LinkElement[];
  /** The rows (field metadata included), an empty table when there is no DATA. */
  table: Table;
  /** The serialization read: `votable/tabledata`, `votable/binary`, `votable/binary2`, or `votable` without DATA. */
  format: string;
}

/** A RESOURCE, possibly nested. */
export interface VOTableResource {
  name?: string;
  ID?: string;
  type?: string;
  utype?: string;
  description?: string;
  infos: InfoElement[];
  params: VOTableParam[];
  coosys: CooSys[];
  timesys: TimeSys[];
  groups: GroupElement[];
  links: LinkElement[];
  tables: VOTableTable[];
  resources: VOTableResource[];
}

/**
 * A DataLink service descriptor: `RESOURCE type="meta" utype="adhoc:service"`,
 * its access URL and standard, and the input parameters (from `GROUP
 * name="inputParams"`) whose `ref` names the column that supplies the value.
 */
export interface ServiceDescriptor {
  ID?: string;
  name?: string;
  description?: string;
  standardID?: string;
  accessURL?: string;
  resourceIdentifier?: string;
  contentType?: string;
  /** PARAMs of the resource itself (accessURL, standardID, ...). */
  params: VOTableParam[];
  /** Input parameters; `ref` points at a FIELD ID or name. */
  inputParams: VOTableParam[];
}

/** A parsed VOTable document. */
export interface VOTableDocument {
  version?: string;
  description?: string;
  infos: InfoElement[];
  params: VOTableParam[];
  coosys: CooSys[];
  timesys: TimeSys[];
  groups: GroupElement[];
  resources: VOTableResource[];
  /** Every TABLE in document order (the same objects as inside `resources`). */
  tables: VOTableTable[];
  /** DataLink service descriptors, in document order. */
  serviceDescriptors: ServiceDescriptor[];
  /** From `INFO name="QUERY_STATUS"` wherever it stands (ERROR > OVERFLOW > OK). */
  queryStatus?: QueryStatus;
  /** The text of that INFO (the server's message for ERROR). */
  queryStatusMessage?: string;
}
