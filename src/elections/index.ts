import { createRouter } from "../http/openapi.ts";
import { ballotRoutes } from "./ballots.routes.ts";
import { candidateRoutes } from "./candidates.routes.ts";
import { electionCoreRoutes } from "./elections.routes.ts";
import { meetingPollRoutes } from "./meeting-polls.routes.ts";
import { positionRoutes } from "./positions.routes.ts";
import { proposalVoteRoutes } from "./proposal-vote.routes.ts";

/** Positions, mandates, elections, nominations and voting under /v1/orgs/{org}. */
export const electionRoutes = createRouter()
  .route("/", positionRoutes)
  .route("/", electionCoreRoutes)
  .route("/", candidateRoutes)
  .route("/", ballotRoutes)
  .route("/", meetingPollRoutes)
  .route("/", proposalVoteRoutes);
