import { createRouter } from "../http/openapi.ts";
import { groupCoreRoutes } from "./groups.routes.ts";
import { meRoutes } from "./me.routes.ts";
import { rosterRoutes } from "./roster.routes.ts";

/** Groups and their proposals, their rosters, and the member's own groups (/me). */
export const groupRoutes = createRouter().route("/", groupCoreRoutes).route("/", rosterRoutes).route("/", meRoutes);
