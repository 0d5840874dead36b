import type { InArgs, InStatement } from "@libsql/client";
import { stopServingQueryValues } from "../../src/db/query-values.ts";
import type { TestApp } from "./app.ts";

export interface Recorded {
  sql: string;
  args: InArgs;
}

/** Records every statement the app sends from now on (those `keep` accepts), executed alone or in batches. */
export function recordStatements(t: TestApp, keep: (sql: string) => boolean = () => true): Recorded[] {
  const client = t.database.client;
  // Lists read their values past `execute`; here they go through it, to be seen.
  stopServingQueryValues(client);
  const recorded: Recorded[] = [];
  const note = (stmt: InStatement | string, args?: InArgs) => {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    if (keep(sql)) recorded.push({ sql, args: (typeof stmt === "string" ? args : stmt.args) ?? [] });
  };
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  client.execute = ((stmt: InStatement | string, args?: InArgs) => {
    note(stmt, args);
    return execute(stmt as InStatement);
  }) as typeof client.execute;
  client.batch = ((stmts: InStatement[], mode?: Parameters<typeof batch>[1]) => {
    for (const stmt of stmts) note(stmt);
    return batch(stmts, mode);
  }) as typeof client.batch;
  return recorded;
}
