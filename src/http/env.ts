import type { AppDeps } from "../deps.ts";
import type { Principal } from "./auth.ts";

export interface OrgContext {
  id: string;
  slug: string;
  /** Membership days, meeting times and the like are local to the organisation. */
  timeZone: string;
}

/** The Hono environment every route shares: injected deps plus what middleware learned about the request. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
    org: OrgContext;
  };
}
