import { inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Context } from "hono";
import { ApiError } from "../lib/problems.ts";

/**
 * Optimistic concurrency, the same for every single resource: each resource has a version
 * that every write of it bumps, and its ETag is that version as a strong entity tag ("3").
 * A write sent with If-Match applies only to a version the header names. The comparison
 * that decides is part of the write itself (`… WHERE version IN (…)`, or the guard of the
 * batch's statements), so a change that lands between a read and the write makes the write
 * match nothing instead of overwriting it. Services may also compare against the row they
 * read, but only to answer 412 before any other refusal (RFC 9110 §13.2.2): the write that
 * follows is still conditioned on that row's version.
 */

export const etagOf = (version: number) => `"${version}"`;

/**
 * The version of what never changes once made (a kept message, a receipt, a suppression, a
 * bulk entry of paper ballots): always the first. Deleting one still honours If-Match.
 */
export const immutableVersion = 1;

export function setEtag(c: Context, version: number) {
  c.header("ETag", etagOf(version));
}

/** Versions an If-Match header allows; undefined when any current version will do (no header, or `*`). */
export type Expected = readonly number[] | undefined;

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

export const matchesVersion = (expected: Expected, version: number) => expected === undefined || expected.includes(version);

export const staleVersion = () =>
  new ApiError(
    "precondition_failed",
    "The resource has changed since you read it (If-Match does not match its ETag). Read it again and retry.",
  );

/** 412 unless the version read may be written; the write must then still be conditioned on that version. */
export function requireVersion(expected: Expected, version: number) {
  if (!matchesVersion(expected, version)) throw staleVersion();
}

/** The If-Match condition on a version column (or subquery), for the WHERE of the write itself; undefined when any version will do. */
export function versionMatches(version: SQLWrapper, expected: Expected): SQL | undefined {
  if (expected === undefined) return undefined;
  if (expected.length === 0) return sql`0`;
  return inArray(version, [...expected]);
}

/**
 * What a conditional write that matched nothing means: with If-Match, the version moved on
 * (412); without, a concurrent write got there first, which `otherwise` describes.
 */
export const lostRace = (expected: Expected, otherwise: () => ApiError) => (expected !== undefined ? staleVersion() : otherwise());
