import { z } from "zod";
import { type AppConfig, defaultConfig } from "./deps.ts";
import { defaultMailSettings, type MailSettings, mailTransports } from "./mail/settings.ts";

/** Raised at start-up (Node) or on the first request (Worker) when the environment is unusable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const EnvSchema = z.object({
  LIBSQL_URL: z
    .string()
    .regex(/^(libsql|https?|wss?|file):/, "must be a libsql://, https://, http:// or file: URL")
    .optional(),
  LIBSQL_AUTH_TOKEN: z.string().min(1).optional(),
  GRASROT_OPERATOR_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  GRASROT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  GRASROT_CORS_ORIGINS: z.string().optional(),
  GRASROT_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(104_857_600).optional(),
  GRASROT_TRUSTED_PROXY_HOPS: z.coerce.number("must be a whole number of proxies").int().min(0).max(10).optional(),
  GRASROT_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, "must be the http(s) URL the API is reached at, such as https://api.example.org")
    .optional(),
  GRASROT_MAIL_TRANSPORT: z.enum(mailTransports, `must be one of ${mailTransports.join(", ")}`).optional(),
  GRASROT_MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, "must be an address or Name <address>")
    .optional(),
  GRASROT_MAIL_PER_TICK: z.coerce.number().int().min(1).max(10_000).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be smtp://user:pass@host:port or smtps://…")
    .optional(),
  POSTMARK_SERVER_TOKEN: z.string().min(1).optional(),
  POSTMARK_API_URL: z
    .string()
    .regex(/^https?:\/\//, "must be an http(s) URL")
    .optional(),
  POSTMARK_MESSAGE_STREAM: z.string().min(1).optional(),
  GRASROT_WEBHOOKS_ALLOW_PRIVATE: z.enum(["true", "false"], "must be true or false").optional(),
});

type Env = z.infer<typeof EnvSchema>;

/** The transports that send real mail need what they send with, and a From and links that work. */
function mailIssues(e: Env): string[] {
  const transport = e.GRASROT_MAIL_TRANSPORT ?? defaultMailSettings.transport;
  const issues: string[] = [];
  if (transport === "smtp" && !e.SMTP_URL) issues.push("  SMTP_URL: is required when GRASROT_MAIL_TRANSPORT is smtp");
  if (transport === "http" && !e.POSTMARK_SERVER_TOKEN)
    issues.push("  POSTMARK_SERVER_TOKEN: is required when GRASROT_MAIL_TRANSPORT is http");
  if (transport === "smtp" || transport === "http") {
    if (!e.GRASROT_MAIL_FROM) issues.push(`  GRASROT_MAIL_FROM: is required when GRASROT_MAIL_TRANSPORT is ${transport}`);
    if (!e.GRASROT_PUBLIC_URL)
      issues.push(`  GRASROT_PUBLIC_URL: is required when GRASROT_MAIL_TRANSPORT is ${transport} (unsubscribe links)`);
  }
  return issues;
}

function mailSettings(e: Env): MailSettings {
  return {
    transport: e.GRASROT_MAIL_TRANSPORT ?? defaultMailSettings.transport,
    from: e.GRASROT_MAIL_FROM ?? defaultMailSettings.from,
    smtpUrl: e.SMTP_URL,
    postmark: e.POSTMARK_SERVER_TOKEN
      ? {
          token: e.POSTMARK_SERVER_TOKEN,
          url: e.POSTMARK_API_URL ?? "https://api.postmarkapp.com",
          messageStream: e.POSTMARK_MESSAGE_STREAM ?? "outbound",
        }
      : undefined,
    perTick: e.GRASROT_MAIL_PER_TICK ?? defaultMailSettings.perTick,
  };
}

export interface RuntimeConfig {
  libsql: { url?: string; authToken?: string };
  app: AppConfig;
}

/** Reads and validates the environment once; every runtime goes through here. */
export function readConfig(env: Record<string, unknown>): RuntimeConfig {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "" && value !== undefined));
  const parsed = EnvSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const issues = mailIssues(e);
  if (issues.length > 0) throw new ConfigError(`Invalid configuration:\n${issues.join("\n")}`);
  const origins = e.GRASROT_CORS_ORIGINS?.split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    libsql: { url: e.LIBSQL_URL, authToken: e.LIBSQL_AUTH_TOKEN },
    app: {
      operatorKey: e.GRASROT_OPERATOR_KEY,
      tokenSecret: e.GRASROT_TOKEN_SECRET,
      maxBodyBytes: e.GRASROT_MAX_BODY_BYTES ?? defaultConfig.maxBodyBytes,
      corsOrigins: !origins || origins.includes("*") ? "*" : origins,
      publicUrl: (e.GRASROT_PUBLIC_URL ?? defaultConfig.publicUrl).replace(/\/+$/, ""),
      trustedProxyHops: e.GRASROT_TRUSTED_PROXY_HOPS ?? 0,
      mail: mailSettings(e),
      webhooksAllowPrivate: e.GRASROT_WEBHOOKS_ALLOW_PRIVATE === "true",
    },
  };
}
