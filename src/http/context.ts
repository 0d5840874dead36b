import type { Context } from "hono";
import { type Ctx, contextOf } from "../access/context.ts";
import type { AppEnv } from "./env.ts";

/**
 * The request's context, built the first time a handler asks and kept for the rest of the
 * request: one clock reading, one organisation, one caller. Only routes of an organisation
 * (behind `orgContext`) have one.
 */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const built = c.get("ctx");
  if (built) return built;
  const ctx = contextOf({ db: c.get("deps").db, org: c.get("org"), principal: c.get("principal"), now: c.get("deps").clock.now() });
  c.set("ctx", ctx);
  return ctx;
}
