export { countUploadMaxBytes, tallyRoutes } from "./tally.routes.ts";
