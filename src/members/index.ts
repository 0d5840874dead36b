import { createRouter } from "../http/openapi.ts";
import { importRoutes } from "./import.routes.ts";
import { meRoutes } from "./me.routes.ts";
import { memberCoreRoutes } from "./members.routes.ts";
import { membershipRoutes } from "./memberships.routes.ts";
import { membershipTypeRoutes } from "./types.routes.ts";

export { importMaxBytes } from "./import.routes.ts";

/** Members, their memberships, membership types and the member's own routes (/me). */
export const memberRoutes = createRouter()
  // The CSV routes go first: `/members/import` must not be taken for a member id.
  .route("/", importRoutes)
  .route("/", memberCoreRoutes)
  .route("/", membershipRoutes)
  .route("/", membershipTypeRoutes)
  .route("/", meRoutes);
