import { z } from "@hono/zod-openapi";
import { invalid } from "./problem.ts";

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Items per page, 1–200.", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "The `nextCursor` of the previous page." }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
    })
    .openapi(name);
}

type CursorValue = string | number;

/** Cursors are opaque to clients: the sort key of the last item seen, base64url-encoded. */
export function encodeCursor(values: CursorValue[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const values = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === "string" || typeof v === "number")) {
      return values;
    }
  } catch {
    // fall through to the problem below
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
