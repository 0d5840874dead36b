/**
 * The thread behind `QueryThread` (src/db/off-loop.ts): its own connection to the file, on
 * which the few long reads (a year's participation report) run while the event loop serves
 * everyone else. Reads only.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "libsql";
import { PreparedStatements } from "./prepared-statements.ts";

export interface QueryThreadData {
  path: string;
  busyTimeoutMs: number;
}

export interface QueryRequest {
  id: number;
  sql: string;
  args: unknown[];
}

export type QueryReply =
  | { id: number; columns: string[]; rows: unknown[][] }
  | { id: number; error: { message: string; code?: string; rawCode?: number } };

const { path, busyTimeoutMs } = workerData as QueryThreadData;

/** The connection and its statements; opened anew after a failure, as a statement stopped mid-way may keep its snapshot. */
function open() {
  const db = new Database(path, { timeout: busyTimeoutMs });
  // Reads only, whatever it is sent.
  db.exec("PRAGMA query_only = ON");
  const statements = new PreparedStatements(db, 50, (stmt) => (stmt.reader ? stmt.columns().map((column) => column.name) : []));
  return { db, statements };
}

let connection = open();

const plain = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);

parentPort?.on("message", (request: QueryRequest) => {
  try {
    const { stmt, reader, facts: columns } = connection.statements.get(request.sql);
    if (!reader) throw new TypeError("Not a query");
    const rows = (stmt.all(request.args) as unknown[][]).map((row) => row.map(plain));
    parentPort?.postMessage({ id: request.id, columns, rows } satisfies QueryReply);
  } catch (error) {
    connection.statements.clear();
    connection = open();
    const { message, code, rawCode } = error as { message?: string; code?: string; rawCode?: number };
    parentPort?.postMessage({ id: request.id, error: { message: String(message ?? error), code, rawCode } } satisfies QueryReply);
  }
});
