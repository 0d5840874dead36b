export { signupRoutes } from "./signups.routes.ts";
