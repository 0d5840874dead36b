import { createRouter } from "../http/openapi.ts";
import { eventCoreRoutes } from "./events.routes.ts";
import { registrationRoutes } from "./registrations.routes.ts";

/** Events with their occurrences, and the registrations for them. */
export const eventRoutes = createRouter().route("/", eventCoreRoutes).route("/", registrationRoutes);
