import { inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { ApiError } from "../lib/problems.ts";

/**
 * Optimistic concurrency, the same for every single resource: each resource has a version
 * that every write of it bumps (its ETag, src/http/etag.ts). A write sent with If-Match
 * applies only to a version the header names. The comparison that decides is part of the
 * write itself (`… WHERE version IN (…)`, or the guard of the batch's statements), so a
 * change that lands between a read and the write makes the write match nothing instead of
 * overwriting it. Services may also compare against the row they read, but only to answer
 * 412 before any other refusal (RFC 9110 §13.2.2): the write that follows is still
 * conditioned on that row's version.
 */

/** Versions an If-Match header allows; undefined when any current version will do (no header, or `*`). */
export type Expected = readonly number[] | undefined;

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
 * A row's version as the condition of each statement of a batch (one transaction in libSQL).
 * For If-Match, every statement carries it and the version bump runs last: inside the batch
 * each statement then sees the version the client read, or none of them acts, and the bump's
 * empty RETURNING says "stale". With the version a service read (`[row.version]`) it guards
 * the batch on that read; when the batch's first statement bumps the version, the rest carry
 * `[row.version + 1]` and act only if that bump took.
 */
export function versionIs(table: SQL, id: string, expected: Expected): SQL {
  return versionMatches(sql`(SELECT version FROM ${table} WHERE id = ${id})`, expected) ?? sql`1`;
}

/**
 * What a conditional write that matched nothing means: with If-Match, the version moved on
 * (412); without, a concurrent write got there first, which `otherwise` describes.
 */
export const lostRace = (expected: Expected, otherwise: () => ApiError) => (expected !== undefined ? staleVersion() : otherwise());

/**
 * The version of what never changes once made (a kept message, a receipt, a suppression, a
 * bulk entry of paper ballots): always the first. Deleting one still honours If-Match.
 */
export const immutableVersion = 1;
