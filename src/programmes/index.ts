import { createRouter } from "../http/openapi.ts";
import { programmeAreaRoutes } from "./programme-areas.routes.ts";
import { programmeReportRoutes } from "./reports.routes.ts";

/** Programme areas, and the figures funders ask for: participation, and what was done with each partner. */
export const programmeRoutes = createRouter().route("/", programmeAreaRoutes).route("/", programmeReportRoutes);
