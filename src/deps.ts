import type { Db } from "./db/index.ts";
import type { Mailer } from "./mail/mailer.ts";
import { defaultMailSettings, type MailSettings } from "./mail/settings.ts";
import type { CountRunner } from "./tally/runner.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Settings read once at the entry point (Node env or Worker bindings) and validated there. */
export interface AppConfig {
  /** Bearer key of the deployment operator, who may create organisations. Unset: no operator routes. */
  operatorKey?: string;
  /** Key that signs member tokens. Unset: the deployment makes one and keeps it in its database. */
  tokenSecret?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Origins allowed by CORS: "*" or a list. Browser frontends of third parties call the API. */
  corsOrigins: "*" | string[];
  /** Where the API is reached from outside: the base of links in e-mails (unsubscribe). */
  publicUrl: string;
  /**
   * Node: how many proxies the deployment stands behind, whose X-Forwarded-For entries are
   * believed when finding a client's address for per-client limits. 0 or unset: the socket's.
   */
  trustedProxyHops?: number;
  /** The mail transport and its settings. */
  mail: MailSettings;
  /** Development and tests: webhooks may go to http and to loopback or private addresses. */
  webhooksAllowPrivate?: boolean;
}

export const defaultConfig: AppConfig = {
  maxBodyBytes: 1_048_576,
  corsOrigins: "*",
  publicUrl: "http://localhost:8787",
  mail: defaultMailSettings,
};

/** A committed document's text, or how to read it. */
export type ServedDocument = string | (() => Promise<string>);

/** Everything a handler or job may touch, injected so tests can fix the clock and capture mail. */
export interface AppDeps {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  config: AppConfig;
  /** The committed openapi.yaml, served as it is (on Workers read from a static asset when asked for). */
  openapiYaml: ServedDocument;
  /** The committed openapi.json, served as it is: no runtime parses YAML. */
  openapiJson: ServedDocument;
  /**
   * Where counts run. Node gives a pool of worker threads (src/tally/thread-runner.ts) so large
   * counts leave the event loop; absent (Workers, tests), counts run in line (src/tally/runner.ts).
   */
  counter?: CountRunner;
}
