/**
 * Workers entry: fetch and scheduled over libSQL's HTTP client (Turso, a self-hosted
 * libSQL server, or the local bridge in development and tests).
 */
import { createClient } from "@libsql/client/web";
import openapiYaml from "../openapi.yaml";
import { createApp } from "./app.ts";
import { ConfigError, type RuntimeConfig, readConfig } from "./config.ts";
import { createDb } from "./db/index.ts";
import { type AppDeps, systemClock } from "./deps.ts";
import { problemBody } from "./http/problem.ts";
import { runScheduled } from "./jobs/schedule.ts";
import { ApiError } from "./lib/problems.ts";
import { createMailer } from "./mail/transports.ts";

export interface Env {
  LIBSQL_URL?: string;
  LIBSQL_AUTH_TOKEN?: string;
  GRASROT_OPERATOR_KEY?: string;
  GRASROT_TOKEN_SECRET?: string;
  GRASROT_CORS_ORIGINS?: string;
  GRASROT_MAX_BODY_BYTES?: string;
  GRASROT_PUBLIC_URL?: string;
  GRASROT_MAIL_TRANSPORT?: string;
  GRASROT_MAIL_FROM?: string;
  GRASROT_MAIL_PER_TICK?: string;
  POSTMARK_SERVER_TOKEN?: string;
  POSTMARK_API_URL?: string;
  POSTMARK_MESSAGE_STREAM?: string;
  /** Rate Limiting bindings of wrangler.toml; without them the limits are counted in the database. */
  RATE_LIMIT_SIGN_IN_MAIL?: RateLimit;
  RATE_LIMIT_TALLY?: RateLimit;
}

function configOf(env: Env): RuntimeConfig {
  const config = readConfig(env as Record<string, unknown>);
  if (!config.libsql.url) throw new ConfigError("Invalid configuration:\n  LIBSQL_URL: is required (the libSQL database URL)");
  if (config.libsql.url.startsWith("file:"))
    throw new ConfigError("Invalid configuration:\n  LIBSQL_URL: a Worker cannot open a file; use libsql://, https:// or http://");
  if (config.app.mail.transport === "smtp")
    throw new ConfigError(
      "Invalid configuration:\n  GRASROT_MAIL_TRANSPORT: smtp is available on Node only; on Workers use http (Postmark) or outbox",
    );
  return config;
}

/** Bindings are validated, and the app built, once per env object (once per isolate in production). */
const apps = new WeakMap<Env, { config: RuntimeConfig; app: ReturnType<typeof createApp> }>();

function appFor(env: Env) {
  let entry = apps.get(env);
  if (!entry) {
    const config = configOf(env);
    entry = { config, app: createApp(() => depsFor(config), config.app) };
    apps.set(env, entry);
  }
  return entry;
}

/** One client per invocation: Workers must not carry I/O objects from one request to the next. */
function depsFor(config: RuntimeConfig): AppDeps {
  const client = createClient({ url: config.libsql.url as string, authToken: config.libsql.authToken });
  const db = createDb(client);
  return { db, mailer: createMailer(config.app.mail, { db, clock: systemClock }), clock: systemClock, config: config.app, openapiYaml };
}

function misconfigured(error: ConfigError): Response {
  console.error(error.message);
  return new Response(
    JSON.stringify(
      problemBody(
        new ApiError("service_unavailable", "The service is not configured correctly; the operator has been told in the log."),
        crypto.randomUUID(),
      ),
    ),
    { status: 503, headers: { "Content-Type": "application/problem+json" } },
  );
}

export default {
  async fetch(request, env, ctx) {
    let app: ReturnType<typeof createApp>;
    try {
      app = appFor(env).app;
    } catch (error) {
      if (error instanceof ConfigError) return misconfigured(error);
      throw error;
    }
    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, env, ctx) {
    const deps = depsFor(appFor(env).config);
    ctx.waitUntil(
      runScheduled(controller.cron, new Date(controller.scheduledTime), deps).then((reports) => {
        const failed = reports.filter((report) => !report.ok);
        if (failed.length > 0) throw new Error(`${failed.length} scheduled job(s) failed: ${failed.map((r) => r.job).join(", ")}`);
      }),
    );
  },
} satisfies ExportedHandler<Env>;
