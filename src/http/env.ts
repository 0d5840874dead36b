import type { RouteConfig } from "@hono/zod-openapi";
import type { Principal } from "../auth/principal.ts";
import type { AppDeps } from "../deps.ts";
import type { OrgContext } from "../orgs/context.ts";

/** The Hono environment every route shares: injected deps plus what middleware learned about the request. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
    org: OrgContext;
    /** The matched route's declared request schemas, for the validation hook. */
    requestParts: RouteConfig["request"];
  };
}
