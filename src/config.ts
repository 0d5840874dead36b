import { z } from "zod";
import { type AppConfig, defaultConfig } from "./deps.ts";

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
});

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
    },
  };
}
