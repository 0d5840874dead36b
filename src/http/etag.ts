import type { Context } from "hono";
import type { Expected } from "../db/versions.ts";
import { ApiError } from "../lib/problems.ts";

/**
 * ETags and If-Match, the HTTP side of optimistic concurrency (src/db/versions.ts): a
 * resource's ETag is its version as a strong entity tag ("3"), and If-Match names the
 * versions a write may apply to.
 */

export const etagOf = (version: number) => `"${version}"`;

export { immutableVersion } from "../db/versions.ts";

export function setEtag(c: Context, version: number) {
  c.header("ETag", etagOf(version));
}

/** One element of an If-Match list: `*`, or an entity tag, strong or weak (RFC 9110 §8.8.3); empty elements are allowed (§5.6.1). */
const listElement = /[\t ]*(?:(\*)|(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[\t ]*(?:,|$)/y;

/**
 * The versions an update or delete may apply to, from If-Match. Undefined when the client
 * sent none (the write applies to whatever is current) or `*` (any existing version).
 * If-Match uses strong comparison: a weak tag never matches, nor does a tag this API did
 * not make, so such a header leaves no version to match and the write answers 412.
 */
export function expectedVersion(c: Context): Expected {
  const header = c.req.header("If-Match");
  if (header === undefined) return undefined;
  const versions: number[] = [];
  let any = false;
  listElement.lastIndex = 0;
  while (listElement.lastIndex < header.length) {
    const start = listElement.lastIndex;
    const match = listElement.exec(header);
    if (!match || listElement.lastIndex === start) {
      throw new ApiError("precondition_failed", 'If-Match must be "*" or ETags returned by this API, such as "3".');
    }
    if (match[1]) any = true;
    else if (!match[2] && /^\d{1,15}$/.test(match[3] ?? "")) versions.push(Number(match[3]));
  }
  return any ? undefined : versions;
}

/** Whether the request carries If-Match at all (`*` included): then the resource must already exist. */
export const hasIfMatch = (c: Context) => c.req.header("If-Match") !== undefined;
