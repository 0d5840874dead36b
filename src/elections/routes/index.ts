import { createRouter } from "../../http/openapi.ts";
import { ballotRoutes } from "./ballots.ts";
import { candidateRoutes } from "./candidates.ts";
import { electionCoreRoutes } from "./elections.ts";
import { positionRoutes } from "./positions.ts";

/** Positions, mandates, elections, nominations and voting under /v1/orgs/{org}. */
export const electionRoutes = createRouter()
  .route("/", positionRoutes)
  .route("/", electionCoreRoutes)
  .route("/", candidateRoutes)
  .route("/", ballotRoutes);
