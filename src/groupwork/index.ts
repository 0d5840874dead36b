import { createRouter } from "../http/openapi.ts";
import { actionRoutes } from "./actions.routes.ts";
import { moneyRoutes } from "./money.routes.ts";
import { recruitmentRoutes } from "./recruitment.routes.ts";
import { recruitmentLinkRoutes } from "./recruitment-links.routes.ts";
import { reportRoutes } from "./reports.routes.ts";

/** What local groups achieve: actions, money, recruitment, and the year in figures. */
export const groupWorkRoutes = createRouter()
  .route("/", actionRoutes)
  .route("/", moneyRoutes)
  .route("/", recruitmentRoutes)
  .route("/", recruitmentLinkRoutes)
  .route("/", reportRoutes);
