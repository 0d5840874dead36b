import { createRouter } from "../http/openapi.ts";
import { eventCoreRoutes } from "./events.routes.ts";
import { meetingRoutes } from "./meetings.routes.ts";
import { registrationRoutes } from "./registrations.routes.ts";
import { sessionRoutes } from "./sessions.routes.ts";

/** Events with their occurrences, the registrations for them, and member meetings in the room. */
export const eventRoutes = createRouter()
  .route("/", eventCoreRoutes)
  .route("/", registrationRoutes)
  .route("/", meetingRoutes)
  .route("/", sessionRoutes);
