import type { RouteConfig } from "@hono/zod-openapi";
import type { Ctx } from "../access/context.ts";
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
    /** The app's memory of callers, set by `orgContext`; cleared when a key is revoked or an organisation changes. */
    authCache: { clear(): void } | undefined;
    /** Built on first use by `ctxOf`: one context per request. */
    ctx: Ctx | undefined;
    /** The matched route's declared request schemas, for the validation hook. */
    requestParts: RouteConfig["request"];
  };
}
