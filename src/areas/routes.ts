import { createRouter } from "../http/openapi.ts";

export const areaRoutes = createRouter();
