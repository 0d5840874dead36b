import { invalid } from "../lib/problems.ts";

/**
 * Keyset pagination: a list is ordered by a unique sort key, and a page starts after the
 * key of the last item of the page before, carried by an opaque cursor.
 */

type CursorValue = string | number;

/** What one position of a cursor holds: text (ids, dates, names) or a finite number. */
export type CursorType = "string" | "number";
type CursorValues<T extends readonly CursorType[]> = { -readonly [K in keyof T]: T[K] extends "number" ? number : string };

/** Cursors are opaque to clients: the sort key of the last item seen, base64url-encoded. */
export function encodeCursor(values: CursorValue[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function fits(value: unknown, type: CursorType): boolean {
  return type === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === "string";
}

/** The JSON inside a cursor, or undefined when it is not base64url of UTF-8 JSON. */
function cursorJson(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The sort key a cursor carries, checked position by position against what the list put
 * there, so that a cursor of another list, or a hand-made one, is a 422 on `query.cursor`
 * and never a value of the wrong type in a query. A number instead of types is shorthand
 * for that many strings.
 */
export function decodeCursor<const T extends readonly CursorType[]>(cursor: string, types: T): CursorValues<T>;
export function decodeCursor(cursor: string, arity: number): string[];
export function decodeCursor(cursor: string, shape: readonly CursorType[] | number): CursorValue[] {
  const types: readonly CursorType[] = typeof shape === "number" ? Array.from({ length: shape }, () => "string" as const) : shape;
  const values = cursorJson(cursor);
  if (Array.isArray(values) && values.length === types.length && values.every((value, i) => fits(value, types[i] as CursorType))) {
    return values;
  }
  throw invalid("query.cursor", "is not a cursor this list handed out");
}

/**
 * Queries fetch limit + 1 rows; the extra row only tells whether another page exists.
 * The cursor is made from the last row returned, never from the extra one.
 */
export function page<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, sortKey: (row: Row) => CursorValue[]) {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { data: shown.map(toItem), nextCursor: more && last !== undefined ? encodeCursor(sortKey(last)) : null };
}
