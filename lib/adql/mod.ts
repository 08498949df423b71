/**
 * ADQL for the Gaia archive: a parser for the core of ADQL 2.1 (used by the
 * local archive and by the client to report syntax errors before sending), a
 * printer, and the errors they raise.
 *
 * @example Check a query before sending it
 * ```ts
 * import { AdqlSyntaxError, formatAdql, parseAdql } from "./mod.ts";
 * try {
 *   parseAdql("SELECT TOP 5 * FORM gaiadr3.gaia_source");
 * } catch (e) {
 *   if (!(e instanceof AdqlSyntaxError) || e.line !== 1) throw e;
 * }
 * formatAdql(parseAdql("select ra from gaiadr3.gaia_source"));
 * ```
 *
 * @module
 */
export type * from "./ast.ts";
export {
  type AdqlPosition,
  AdqlSemanticError,
  type AdqlSemanticErrorKind,
  AdqlSyntaxError,
  gaiaErrorMessage,
} from "./errors.ts";
export { parseAdql, type ParseOptions } from "./parser.ts";
export { formatAdql } from "./format.ts";
// Safe query building (helper-3): the adql`` tag, geometry and cone search.
export {
  adql,
  AdqlFragment,
  type AdqlTag,
  identifier,
  literal,
  quotedIdentifier,
} from "./template.ts";
export {
  type Angle,
  type AngleUnit,
  box,
  circle,
  coordinate,
  type CoordinateArg,
  type GeometryOptions,
  point,
  polygon,
  toDegrees,
} from "./geometry.ts";
export { coneSearch, type ConeSearchOptions } from "./cone.ts";
