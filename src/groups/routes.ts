import { createRouter } from "../http/openapi.ts";

export const groupRoutes = createRouter();
