export { areaRoutes } from "./areas.routes.ts";
