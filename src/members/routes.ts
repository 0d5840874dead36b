import { createRouter } from "../http/openapi.ts";

export const memberRoutes = createRouter();
