import type { InArgs, InStatement, TransactionMode } from "@libsql/client";
import { stopServingQueryValues } from "../../src/db/query-values.ts";
import type { TestApp } from "./app.ts";

export interface Recorded {
  sql: string;
  args: InArgs;
}

/** Records every statement the app sends from now on (those `keep` accepts), executed alone, in batches or in transactions. */
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
  // Long batches (src/db/long-batches.ts) run their statements in a transaction of their own.
  const transaction = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    const opened = await transaction(mode);
    const run = opened.execute.bind(opened);
    const runBatch = opened.batch.bind(opened);
    opened.execute = ((stmt: InStatement | string, args?: InArgs) => {
      note(stmt, args);
      return run(stmt as InStatement);
    }) as typeof opened.execute;
    opened.batch = ((stmts: InStatement[]) => {
      for (const stmt of stmts) note(stmt);
      return runBatch(stmts);
    }) as typeof opened.batch;
    return opened;
  }) as typeof client.transaction;
  return recorded;
}
