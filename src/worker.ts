/**
 * Workers entry: fetch and scheduled over libSQL's HTTP client (Turso, a self-hosted
 * libSQL server, or the local bridge in development and tests).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { type Client, createClient } from "@libsql/client/http";
import { createApp } from "./app.ts";
import { ConfigError, type RuntimeConfig, readConfig } from "./config.ts";
import { createDb } from "./db/index.ts";
import { type AppDeps, systemClock } from "./deps.ts";
import { problemBody } from "./http/problem.ts";
import { runScheduled } from "./jobs/cron-triggers.ts";
import { ApiError } from "./lib/problems.ts";
import { createMailer } from "./mail/transports.ts";
import { deliverQueuedRound, type MailRound } from "./mailings/queue.ts";
import { documentAssetPaths } from "./meta/document-assets.ts";

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
  GRASROT_WEBHOOKS_ALLOW_PRIVATE?: string;
  /** Rate Limiting bindings of wrangler.toml; without them the limits are counted in the database. */
  RATE_LIMIT_SIGN_IN_MAIL?: RateLimit;
  RATE_LIMIT_TALLY?: RateLimit;
  /** The static assets of wrangler.toml: the reference's browser bundle and the OpenAPI documents (src/meta/document-assets.ts). */
  ASSETS?: Fetcher;
  /** The mail queue of wrangler.toml (producer and consumer); without it the tick sends budgeted chunks itself. */
  MAIL_QUEUE?: Queue<MailRound>;
}

function configOf(env: Env): RuntimeConfig {
  const config = readConfig(env as Record<string, unknown>);
  if (!config.libsql.url) throw new ConfigError("Invalid configuration:\n  LIBSQL_URL: is required (the libSQL database URL)");
  if (config.libsql.url.startsWith("file:"))
    throw new ConfigError("Invalid configuration:\n  LIBSQL_URL: a Worker cannot open a file; use libsql://, https:// or http://");
  // The Worker speaks to the database over HTTP only (a request per statement or batch, nothing held between invocations).
  if (/^wss?:/.test(config.libsql.url))
    throw new ConfigError("Invalid configuration:\n  LIBSQL_URL: the Worker connects over HTTP; use libsql://, https:// or http://");
  if (config.app.mail.transport === "smtp")
    throw new ConfigError(
      "Invalid configuration:\n  GRASROT_MAIL_TRANSPORT: smtp is available on Node only; on Workers use http (Postmark) or outbox",
    );
  return config;
}

/** The dependencies of the invocation at hand: the app asks for them once per request. */
const invocationDeps = new AsyncLocalStorage<AppDeps>();

function currentDeps(): AppDeps {
  const deps = invocationDeps.getStore();
  if (!deps) throw new Error("The app's dependencies were asked for outside an invocation");
  return deps;
}

/** The execution context as the app sees it, remembering what it hands to waitUntil. */
function trackingTasks(ctx: ExecutionContext): { ctx: ExecutionContext; settled(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  const waitUntil = (promise: Promise<unknown>) => {
    pending.add(promise);
    ctx.waitUntil(promise);
  };
  return {
    ctx: new Proxy(ctx, {
      get(target, property) {
        if (property === "waitUntil") return waitUntil;
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }),
    async settled() {
      // A task may hand over further tasks.
      while (pending.size > 0) {
        const batch = [...pending];
        pending.clear();
        await Promise.allSettled(batch);
      }
    },
  };
}

/**
 * Closes the client once the response body has been sent (an export streams from the
 * database as the client reads it, after the handler has returned) and every task handed to
 * waitUntil has settled, whichever comes last. The body is not itself handed to waitUntil:
 * whoever reads the response drives it, and a caller that waits for the tasks first must not
 * wait on itself.
 */
function closeWhenDone(response: Response, tasksSettled: Promise<void>, close: () => void, ctx: ExecutionContext): Response {
  let unfinished = 2;
  const finishOne = () => {
    unfinished -= 1;
    if (unfinished === 0) close();
  };
  ctx.waitUntil(tasksSettled.then(finishOne));
  if (!response.body) {
    finishOne();
    return response;
  }
  const { readable, writable } = new TransformStream();
  // A client that goes away cancels the body: the invocation is done all the same.
  response.body.pipeTo(writable).then(finishOne, finishOne);
  return new Response(readable, { status: response.status, statusText: response.statusText, headers: response.headers });
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

/** A committed document, read from the static assets when a request asks for it. */
function documentAsset(env: Env, path: string): () => Promise<string> {
  return async () => {
    const response = await env.ASSETS?.fetch(new URL(path, "https://assets.invalid"));
    if (!response?.ok) {
      console.error(`the static asset ${path} is missing (ASSETS binding: ${env.ASSETS ? `status ${response?.status}` : "absent"})`);
      throw new ApiError("service_unavailable", "The service is not configured correctly; the operator has been told in the log.");
    }
    return response.text();
  };
}

/** Makes the database client of one invocation (tests pass one that records what it makes). */
export type OpenClient = (config: { url: string; authToken?: string }) => Client;

/**
 * The Worker's handlers. One database client per invocation, closed when the invocation is
 * done: Workers must not carry I/O objects from one request to the next, and caches keyed on
 * the database (the member-token key) must not hand one request a promise another settles.
 */
export function createWorker(openClient: OpenClient = createClient) {
  /** Bindings are validated, and the app built, once per env object (once per isolate in production). */
  const apps = new WeakMap<Env, { config: RuntimeConfig; app: ReturnType<typeof createApp> }>();

  function appFor(env: Env) {
    let entry = apps.get(env);
    if (!entry) {
      const config = configOf(env);
      entry = { config, app: createApp(currentDeps, config.app) };
      apps.set(env, entry);
    }
    return entry;
  }

  function openInvocation(config: RuntimeConfig, env: Env): { client: Client; deps: AppDeps } {
    const client = openClient({ url: config.libsql.url as string, authToken: config.libsql.authToken });
    const db = createDb(client);
    const mailer = createMailer(config.app.mail, { db, clock: systemClock });
    const openapiYaml = documentAsset(env, documentAssetPaths.yaml);
    const openapiJson = documentAsset(env, documentAssetPaths.json);
    return { client, deps: { db, mailer, clock: systemClock, config: config.app, openapiYaml, openapiJson } };
  }

  return {
    async fetch(request, env, ctx) {
      let entry: ReturnType<typeof appFor>;
      try {
        entry = appFor(env);
      } catch (error) {
        if (error instanceof ConfigError) return misconfigured(error);
        throw error;
      }
      const { client, deps } = openInvocation(entry.config, env);
      const tasks = trackingTasks(ctx);
      let response: Response;
      try {
        response = await invocationDeps.run(deps, () => entry.app.fetch(request, env, tasks.ctx));
      } catch (error) {
        client.close();
        throw error;
      }
      return closeWhenDone(response, tasks.settled(), () => client.close(), ctx);
    },

    async scheduled(controller, env, ctx) {
      const { client, deps } = openInvocation(appFor(env).config, env);
      ctx.waitUntil(
        runScheduled(controller.cron, new Date(controller.scheduledTime), { ...deps, mailQueue: env.MAIL_QUEUE })
          .then((reports) => {
            const failed = reports.filter((report) => !report.ok);
            if (failed.length > 0) throw new Error(`${failed.length} scheduled job(s) failed: ${failed.map((r) => r.job).join(", ")}`);
          })
          .finally(() => client.close()),
      );
    },

    /**
     * The mail queue's consumer: each message is one round of a mailing, sent as one provider
     * batch. A message that fails outright is retried by the queue, and after its last retry
     * goes to the dead-letter queue; its rows go back to the tick once their lease runs out.
     */
    async queue(batch, env, _ctx) {
      const { client, deps } = openInvocation(appFor(env).config, env);
      try {
        for (const message of batch.messages) {
          try {
            await deliverQueuedRound(deps, message.body, deps.clock.now());
            message.ack();
          } catch (error) {
            console.error(`mail round of mailing ${message.body.mailingId} failed; the queue retries it`, error);
            message.retry();
          }
        }
      } finally {
        client.close();
      }
    },
  } satisfies ExportedHandler<Env, MailRound>;
}

export default createWorker();
