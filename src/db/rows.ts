import type { InArgs } from "@libsql/client";
import { Column, fillPlaceholders, is, type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./index.ts";
import { queryValues } from "./query-values.ts";

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/**
 * How the rows of one flat selection are read and become objects: the selection to query
 * with, and each column's key and decoder, in the order the selection lists them.
 */
export interface RowShape<Row> {
  /**
   * What a query read by allRows selects: all the fields as one JSON array per row. The
   * driver makes a JavaScript value of every field it returns, at about a tenth of a
   * microsecond each, where JSON.parse makes a row's values in one go: for a page of fifty
   * people with thirty columns, reading them was three fifths of the query's cost. Named
   * `row`, for allRows to read all of a query's rows as one text.
   */
  selection: { row: SQL.Aliased<string> };
  /** The same JSON array, unnamed: for a row nested in another's (nestedRows). */
  json: SQL<string>;
  keys: string[];
  decoders: Decoder[];
  /**
   * An object with every key, copied for each row and then filled: V8 keeps a copy's
   * properties in the template's fixed layout. An object given thirty properties one by
   * one, by computed key, turns into a dictionary unless objects made before left V8 a
   * layout to follow, which depends on what is still alive: in some server processes every
   * row was a dictionary, every later step (a copy, the JSON of the answer) slower, and a
   * list page about half as fast (test/platform/row-layout.test.ts).
   */
  template: Record<string, unknown>;
  /** The row type, for inference only. */
  readonly row?: Row;
}

/**
 * The shape of a flat selection (`{ ...getTableColumns(t), extra: sql<…>`… `}`), worked out
 * once. Drizzle works out each value's decoder anew on every row (a type test per column per
 * row), which for a page of fifty people with thirty columns cost as much as the query.
 * The fields must not be blobs (JSON cannot hold them) nor reals (JSON keeps fifteen digits
 * of them); the schema has neither. Keys `filledLater` are not read but set on each row
 * after (null until then): set on the row itself, they keep its layout fixed.
 */
export function rowShape<Row>(selection: Record<string, Column | SQL>, options: { filledLater?: string[] } = {}): RowShape<Row> {
  const keys = Object.keys(selection);
  const fields = keys.map((key) => selection[key] as Column | SQL);
  const decoders = fields.map((field) =>
    // An SQL expression's decoder is drizzle's own (`sql<T>\`…\`.mapWith(…)`), not part of its typed surface.
    is(field, Column) ? (field as Decoder) : (field as unknown as { decoder: Decoder }).decoder,
  );
  const json = sql<string>`json_array(${sql.join(fields, sql`, `)})`;
  return {
    selection: { row: json.as("row") },
    json,
    keys,
    decoders,
    template: rowTemplate([...keys, ...(options.filledLater ?? [])]),
  };
}

/** `columns` (a table's, as getTableColumns gives them) without those named in `left`: for a shape of less than the row. */
export function columnsBut<Columns extends Record<string, Column>, Left extends keyof Columns & string>(
  columns: Columns,
  left: readonly Left[],
): Omit<Columns, Left> {
  return Object.fromEntries(Object.entries(columns).filter(([key]) => !(left as readonly string[]).includes(key))) as Omit<Columns, Left>;
}

/**
 * An object with `keys`, each null, in V8's fixed layout. JSON.parse lays out what it
 * makes that way, however many keys; each field then takes a number and a text once, so
 * that the layout is general from the start and rows filled with either keep it.
 */
function rowTemplate(keys: string[]): Record<string, unknown> {
  const template = JSON.parse(JSON.stringify(Object.fromEntries(keys.map((key) => [key, null])))) as Record<string, unknown>;
  for (const key of keys) {
    template[key] = 0;
    template[key] = "";
    template[key] = null;
  }
  return template;
}

/** A query's text and parameters as drizzle builds them; a parameter may be a placeholder, filled per run. */
export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/**
 * Queries built once for each shape they take (which filters, whether a cursor), their values
 * left as placeholders (`sql.placeholder("groupId")`) and given per run to `allRows`. For a
 * page of a hot list, drizzle's building of the SQL cost about as much as running it. The
 * text must depend on the shape alone, never on a value or the database handle: `build`
 * uses drizzle's standalone query builder, and is called once per shape.
 */
export function queryShapes(): (shape: string, build: () => { toSQL(): BuiltQuery }) => BuiltQuery {
  const built = new Map<string, BuiltQuery>();
  return (shape, build) => {
    let query = built.get(shape);
    if (query === undefined) {
      query = build().toSQL();
      built.set(shape, query);
    }
    return query;
  };
}

const dialect = new SQLiteAsyncDialect();

/** Where a query of queryShapes takes a condition given per run (withCondition); true until then. */
const conditionMark = "/* condition */ 1";
export const conditionSlot = sql.raw(`(${conditionMark})`);

/**
 * A query of queryShapes with a condition known only per run, whose shape may vary too
 * (what the caller may see, a campaign, a group): the condition alone is built, its text
 * takes the place of each of the query's conditionSlots (one per part of a compound query)
 * and its values go in among the query's own, after as many as the text before the slot
 * has parameters (drizzle writes each as `?`).
 */
export function withCondition(query: BuiltQuery, condition: SQL | undefined): BuiltQuery {
  if (condition === undefined) return query;
  const parts = query.sql.split(conditionMark);
  if (parts.length === 1) throw new Error("This query has no place for a condition (conditionSlot).");
  const own = dialect.sqlToQuery(condition);
  const params: unknown[] = [];
  let taken = 0;
  for (const part of parts.slice(0, -1)) {
    const before = part.split("?").length - 1;
    params.push(...query.params.slice(taken, taken + before), ...own.params);
    taken += before;
  }
  params.push(...query.params.slice(taken));
  return { sql: parts.join(own.sql), params };
}

/**
 * Runs a select of `shape.selection` and returns its rows as `shape` maps them, as drizzle
 * would (nulls stay null). A query of queryShapes takes the values of its placeholders.
 *
 * The rows come back as one text, a JSON array of them all, parsed once: the driver makes a
 * JavaScript string of each row it returns, and for a page of fifty that cost a tenth of a
 * list's request. group_concat takes the rows in the order of the query: SQLite keeps the
 * ORDER BY of a subquery whose rows an aggregate other than count, min or max reads.
 */
export async function allRows<Row>(
  db: Db,
  query: { toSQL(): BuiltQuery } | BuiltQuery,
  shape: RowShape<Row>,
  values?: Record<string, unknown>,
): Promise<Row[]> {
  const built = "toSQL" in query ? query.toSQL() : query;
  const { params } = built;
  const stmt = { sql: oneTextOf(built), args: (values ? fillPlaceholders(params, values) : params) as InArgs };
  const rows: ArrayLike<unknown>[] = (await queryValues(db.$client, stmt)) ?? (await db.$client.execute(stmt)).rows;
  return (JSON.parse(rows[0]?.[0] as string) as unknown[][]).map((fields) => rowOf(shape, fields));
}

/**
 * Each query's text as allRows sends it, made once for a query built once (queryShapes): the
 * same text object each time, whose hash the connection's kept statements have already worked
 * out, where a text made anew is hashed whole on every request.
 */
const oneTexts = new WeakMap<BuiltQuery, string>();

function oneTextOf(query: BuiltQuery): string {
  let text = oneTexts.get(query);
  if (text === undefined) {
    text = `select '[' || coalesce(group_concat("row", ','), '') || ']' from (${query.sql})`;
    oneTexts.set(query, text);
  }
  return text;
}

/** One row's fields, in the order of `shape`, as an object. */
function rowOf<Row>(shape: RowShape<Row>, fields: unknown[]): Row {
  const { keys, decoders } = shape;
  const out = { ...shape.template };
  for (let index = 0; index < keys.length; index++) {
    const value = fields[index];
    out[keys[index] as string] = value === null || value === undefined ? null : (decoders[index] as Decoder).mapFromDriverValue(value);
  }
  return out as Row;
}

/**
 * The rows of `from` (a FROM clause with its WHERE, correlated with the query around it) as
 * one field of that query: a JSON array of `shape`'s rows, read back as objects. One
 * statement then reads a page's people with the periods of each, where a second one looked
 * them up again by id.
 */
export function nestedRows<Row>(shape: RowShape<Row>, from: SQL): SQL<Row[]> {
  return sql<Row[]>`(SELECT json_group_array(${shape.json}) ${from})`.mapWith((value: unknown) =>
    // Embedded as JSON by SQLite, so parsed with the row; as text where a subquery loses that.
    (typeof value === "string" ? (JSON.parse(value) as unknown[][]) : (value as unknown[][])).map((fields) => rowOf(shape, fields)),
  );
}
