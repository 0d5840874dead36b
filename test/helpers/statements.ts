import type { Client, InArgs, InStatement, TransactionMode } from "@libsql/client";
import { serveLongBatchTransactions } from "../../src/db/long-batches.ts";
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
  /** Notes what `target` runs, alone or in a batch, before running it. */
  const watch = (target: { execute: Client["execute"]; batch: (stmts: InStatement[], ...rest: never[]) => Promise<unknown> }) => {
    const execute = target.execute.bind(target);
    const batch = target.batch.bind(target);
    target.execute = ((stmt: InStatement | string, args?: InArgs) => {
      note(stmt, args);
      return execute(stmt as InStatement);
    }) as Client["execute"];
    target.batch = (stmts: InStatement[], ...rest: never[]) => {
      for (const stmt of stmts) note(stmt);
      return batch(stmts, ...rest);
    };
  };
  watch(client);
  // Long batches (src/db/long-batches.ts) run their statements in a transaction of their own:
  // here on one of the client's connections rather than on their thread, where they could not be seen.
  const transaction = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    const opened = await transaction(mode);
    watch(opened);
    return opened;
  }) as typeof client.transaction;
  serveLongBatchTransactions(client, () => client.transaction("write"));
  return recorded;
}
