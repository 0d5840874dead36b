import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/index.ts";
import { localDay } from "../lib/dates.ts";
import type { OrgContext } from "../orgs/context.ts";
import { type Viewer, viewerOf } from "./viewer.ts";

/**
 * What every service of an organisation works with: the database, the organisation, who is
 * asking, and one reading of the clock. A request builds it once (src/http/context.ts), so
 * every rule in that request judges the same instant and the same local day; a job or a
 * script builds its own with `contextOf`.
 */
export interface Ctx {
  readonly db: Db;
  readonly org: OrgContext;
  readonly principal: Principal;
  /** The principal as the domain rules see it; the operator acts inside no organisation (403). */
  readonly viewer: Viewer;
  /** The instant the request or job acts at. */
  readonly now: Date;
  /** Today in the organisation's time zone: membership, mandate and meeting days are local days. */
  readonly day: string;
}

/** A context for one organisation at one instant; the viewer is worked out when a rule first asks. */
export function contextOf(input: { db: Db; org: OrgContext; principal: Principal; now: Date }): Ctx {
  const { db, org, principal, now } = input;
  let viewer: Viewer | undefined;
  return {
    db,
    org,
    principal,
    now,
    day: localDay(now, org.timeZone),
    get viewer() {
      viewer ??= viewerOf(principal);
      return viewer;
    },
  };
}
