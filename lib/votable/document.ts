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
  /** The element's ID attribute. */
  ID?: string;
  /** Coordinate system, e.g. `ICRS`. */
  system?: string;
  /** Equinox, e.g. `J2000`. */
  equinox?: string;
  /** Epoch of the positions, e.g. `J2016.0`. */
  epoch?: string;
  /** Reference position, e.g. `BARYCENTER`. */
  refposition?: string;
}

/** A TIMESYS element (VOTable 1.4+). */
export interface TimeSys {
  /** The element's ID attribute. */
  ID?: string;
  /** Time origin (a Julian date, or `MJD-origin`, `JD-origin`). */
  timeorigin?: string;
  /** Time scale, e.g. `TCB`, `TDB`, `UTC`. */
  timescale?: string;
  /** Reference position, e.g. `BARYCENTER`. */
  refposition?: string;
}

/** A LINK element: all its attributes. */
export interface LinkElement {
  /** The link target. */
  href?: string;
  /** Human-readable title. */
  title?: string;
  /** Role of the linked content (`doc`, `location`, ...). */
  "content-role"?: string;
  /** MIME type of the linked content. */
  "content-type"?: string;
  /** The action attribute (VOTable 1.1). */
  action?: string;
  /** The value attribute. */
  value?: string;
  /** The element's ID attribute. */
  ID?: string;
  /** Any other attribute. */
  [attribute: string]: string | undefined;
}

/** The VALUES of a PARAM or FIELD: range, options and null sentinel. */
export interface ValuesElement {
  /** The null sentinel, as text. */
  null?: string;
  /** Lower limit, with whether it is inclusive. */
  min?: { value: string; inclusive: boolean };
  /** Upper limit, with whether it is inclusive. */
  max?: { value: string; inclusive: boolean };
  /** Allowed values (OPTION elements, nested ones flattened). */
  options: Array<{ value: string; name?: string }>;
  /** The ref attribute (ID of the referenced element). */
  ref?: string;
}

/** A PARAM with its VALUES, when present. */
export interface VOTableParam extends ParamElement {
  /** The VALUES element, when present. */
  values?: ValuesElement;
}

/** A GROUP: references to FIELDs and PARAMs, its own PARAMs and nested GROUPs. */
export interface GroupElement {
  /** The name attribute. */
  name?: string;
  /** The element's ID attribute. */
  ID?: string;
  /** Unified Content Descriptor. */
  ucd?: string;
  /** Data-model utype. */
  utype?: string;
  /** The ref attribute (ID of the referenced element). */
  ref?: string;
  /** Text of the DESCRIPTION child. */
  description?: string;
  /** The `ref`s of FIELDref children. */
  fieldRefs: string[];
  /** The `ref`s of PARAMref children. */
  paramRefs: string[];
  /** PARAM children. */
  params: VOTableParam[];
  /** Nested GROUPs. */
  groups: GroupElement[];
}

/** One TABLE with its data as an Arrow table. */
export interface VOTableTable {
  /** The name attribute. */
  name?: string;
  /** The element's ID attribute. */
  ID?: string;
  /** Unified Content Descriptor. */
  ucd?: string;
  /** Data-model utype. */
  utype?: string;
  /** The ref attribute (ID of the referenced element). */
  ref?: string;
  /** The nrows attribute, when given. */
  nrows?: number;
  /** Text of the DESCRIPTION child. */
  description?: string;
  /** Column metadata, one per FIELD (in column order). */
  fields: ColumnMeta[];
  /** PARAM children. */
  params: VOTableParam[];
  /** Nested GROUPs. */
  groups: GroupElement[];
  /** INFO children. */
  infos: InfoElement[];
  /** LINK children. */
  links: LinkElement[];
  /** The rows (field metadata included), an empty table when there is no DATA. */
  table: Table;
  /** The serialization read: `votable/tabledata`, `votable/binary`, `votable/binary2`, or `votable` without DATA. */
  format: string;
}

/** A RESOURCE, possibly nested. */
export interface VOTableResource {
  /** The name attribute. */
  name?: string;
  /** The element's ID attribute. */
  ID?: string;
  /** The type attribute: `results` or `meta`. */
  type?: string;
  /** Data-model utype. */
  utype?: string;
  /** Text of the DESCRIPTION child. */
  description?: string;
  /** INFO children. */
  infos: InfoElement[];
  /** PARAM children. */
  params: VOTableParam[];
  /** COOSYS children. */
  coosys: CooSys[];
  /** TIMESYS children. */
  timesys: TimeSys[];
  /** Nested GROUPs. */
  groups: GroupElement[];
  /** LINK children. */
  links: LinkElement[];
  /** TABLE children. */
  tables: VOTableTable[];
  /** Nested RESOURCEs. */
  resources: VOTableResource[];
}

/**
 * A DataLink service descriptor: `RESOURCE type="meta" utype="adhoc:service"`,
 * its access URL and standard, and the input parameters (from `GROUP
 * name="inputParams"`) whose `ref` names the column that supplies the value.
 */
export interface ServiceDescriptor {
  /** The element's ID attribute. */
  ID?: string;
  /** The name attribute. */
  name?: string;
  /** Text of the DESCRIPTION child. */
  description?: string;
  /** The service's standard, e.g. `ivo://ivoa.net/std/DataLink#links-1.0`. */
  standardID?: string;
  /** The URL to call. */
  accessURL?: string;
  /** The IVOA identifier of the service, when given. */
  resourceIdentifier?: string;
  /** Content type of the service's answers, when given. */
  contentType?: string;
  /** PARAMs of the resource itself (accessURL, standardID, ...). */
  params: VOTableParam[];
  /** Input parameters; `ref` points at a FIELD ID or name. */
  inputParams: VOTableParam[];
}

/** A parsed VOTable document. */
export interface VOTableDocument {
  /** The version attribute. */
  version?: string;
  /** Text of the DESCRIPTION child. */
  description?: string;
  /** INFO children. */
  infos: InfoElement[];
  /** PARAM children. */
  params: VOTableParam[];
  /** COOSYS children. */
  coosys: CooSys[];
  /** TIMESYS children. */
  timesys: TimeSys[];
  /** Nested GROUPs. */
  groups: GroupElement[];
  /** Nested RESOURCEs. */
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
