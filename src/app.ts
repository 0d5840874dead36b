import { tallyRateLimit } from "./abuse/requests.ts";
import { areaRoutes } from "./areas/index.ts";
import { signInRoutes } from "./auth/index.ts";
import { calendarRoutes } from "./calendar/index.ts";
import { campaignRoutes } from "./campaigns/index.ts";
import { contactRoutes } from "./contacts/index.ts";
import type { AppConfig, AppDeps } from "./deps.ts";
import { electionRoutes } from "./elections/index.ts";
import { eventRoutes } from "./events/index.ts";
import { groupRoutes } from "./groups/index.ts";
import { groupWorkRoutes } from "./groupwork/index.ts";
import { AuthCache, orgContext } from "./http/auth.ts";
import { corsHeaders } from "./http/cors.ts";
import { onError } from "./http/errors.ts";
import { limitBodies, notFoundOrWrongMethod, requestContext } from "./http/middleware.ts";
import { createRouter } from "./http/openapi.ts";
import { problemResponse } from "./http/problem.ts";
import { refuseRewrittenPaths } from "./http/request-target.ts";
import { apiKeyRoutes } from "./keys/index.ts";
import { mailingRoutes } from "./mailings/index.ts";
import { importMaxBytes, memberRoutes } from "./members/index.ts";
import { metaRoutes } from "./meta/index.ts";
import { organisationRoutes } from "./orgs/index.ts";
import { partnerRoutes } from "./partners/index.ts";
import { programmeRoutes } from "./programmes/index.ts";
import { signupRoutes } from "./signups/index.ts";
import { countUploadMaxBytes, tallyRoutes } from "./tally/index.ts";
import { deliverAfterWrites, webhookRoutes } from "./webhooks/index.ts";

/**
 * The whole API, built from its dependencies. The same app serves the Worker and
 * the Node runtime; only the entry points differ in how they make the dependencies
 * (the Worker passes a function, as it needs a fresh database client per request).
 */
export function createApp(deps: AppDeps | (() => AppDeps), config: AppConfig = (deps as AppDeps).config) {
  const app = createRouter();

  // Every request: an id, the dependencies, CORS for third-party frontends, a path routed
  // only as the client wrote it, a body limit.
  app.use("*", requestContext(deps));
  app.use(
    "*",
    corsHeaders({
      origin: config.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-Id"],
      exposeHeaders: ["ETag", "Location", "X-Request-Id", "Idempotent-Replayed", "Retry-After"],
      maxAge: 86400,
    }),
  );
  app.use("*", refuseRewrittenPaths);
  app.use(
    "/v1/*",
    limitBodies(config.maxBodyBytes, [
      { path: /^\/v1\/orgs\/[^/]+\/(members|contacts)\/import$/, maxSize: importMaxBytes },
      { path: /^\/v1\/tally$|^\/v1\/orgs\/[^/]+\/elections\/[^/]+\/paper-ballots$/, maxSize: countUploadMaxBytes },
    ]),
  );

  // Counting is real work: a limit per API key, before the route authenticates it.
  app.use("/v1/tally", tallyRateLimit);

  // Everything under an organisation: resolve the tenant and the caller first.
  // One cache of callers per app: per process on Node, per isolate on Workers.
  const tenant = orgContext(new AuthCache());
  app.use("/v1/orgs/:org", tenant);
  app.use("/v1/orgs/:org/*", tenant);
  // Webhook deliveries a write queued are tried right after its response.
  app.use("/v1/orgs/:org/*", deliverAfterWrites);

  app.route("/", metaRoutes);
  app.route("/", organisationRoutes);
  app.route("/", apiKeyRoutes);
  app.route("/", signInRoutes);
  app.route("/", memberRoutes);
  app.route("/", contactRoutes);
  app.route("/", areaRoutes);
  app.route("/", groupRoutes);
  app.route("/", eventRoutes);
  app.route("/", campaignRoutes);
  app.route("/", calendarRoutes);
  app.route("/", electionRoutes);
  app.route("/", tallyRoutes);
  app.route("/", mailingRoutes);
  app.route("/", webhookRoutes);
  app.route("/", groupWorkRoutes);
  app.route("/", signupRoutes);
  app.route("/", partnerRoutes);
  app.route("/", programmeRoutes);

  app.get("/", (c) => c.redirect("/docs"));

  const unmatched = notFoundOrWrongMethod(app);
  app.notFound((c) => problemResponse(c, unmatched(c.req.path, c.req.method)));
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
