export { organisationRoutes } from "./orgs.routes.ts";
