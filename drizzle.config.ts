import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "turso",
  schema: "./drizzle/schema.ts",
  out: "./migrations",
  dbCredentials: { url: process.env.LIBSQL_URL ?? "file:data/grasrot.db", authToken: process.env.LIBSQL_AUTH_TOKEN },
});
