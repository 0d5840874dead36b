import type { z } from "@hono/zod-openapi";
import { ApiError, type FieldError, invalidFields } from "../lib/problems.ts";
import { fieldErrorsWith, textErrors } from "../lib/text.ts";
import { pacer } from "../lib/yield.ts";
import { fieldErrors } from "./openapi.ts";

/**
 * A JSON body that is mostly one long list (`{ "ballots": [ … ] }`), read as the router's
 * validation hook reads a body (src/http/openapi.ts): the same field names, the same 400 for
 * JSON that does not parse, and a field with bad text reported for that alone. Only the
 * list is checked an item at a time, giving way to other requests between slices: 16 MiB of
 * ballots took some 200 ms to check in one piece, a time no other request is answered in.
 * Parsing stays one piece (about 35 ms for 16 MiB).
 *
 * `envelope` checks the body around the list, with the list as `z.array(z.unknown())` (its
 * length limits included); `item` checks each entry. Returns the entries as parsed.
 */
export async function readListBody<Item>(
  text: string,
  options: { envelope: z.ZodType; key: string; item: z.ZodType<Item> },
): Promise<Item[]> {
  const { envelope, key, item } = options;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("malformed_body", "The request body is not valid JSON.");
  }
  const list = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  const entries = Array.isArray(list) ? list : undefined;
  const badText: FieldError[] = [];
  const other: FieldError[] = [];
  const around = envelope.safeParse(value);
  // The envelope's own text; the list's is checked with its entries below.
  badText.push(...textErrors(envelope, entries ? { ...(value as object), [key]: [] } : value, "body"));
  if (!around.success) other.push(...fieldErrors(around.error, "body"));
  const items: Item[] = [];
  const pace = pacer();
  for (const [index, entry] of (entries ?? []).entries()) {
    const field = `body.${key}.${index}`;
    const parsed = item.safeParse(entry);
    badText.push(...textErrors(item, parsed.success ? parsed.data : entry, field));
    if (parsed.success) items.push(parsed.data);
    else other.push(...fieldErrors(parsed.error, field));
    const wait = pace();
    if (wait) await wait;
  }
  if (badText.length === 0 && other.length === 0) return items;
  throw invalidFields(fieldErrorsWith(badText, other));
}
