/**
 * The thread behind `QueryThread` (src/db/query-thread-client.ts): its own connection to the file, on
 * which the few long reads (a year's participation report) run while the event loop serves
 * everyone else. Reads only.
 */
import { workerData } from "node:worker_threads";
import { openFileConnection } from "./file-connection.ts";
import { PreparedStatements } from "./prepared-statements.ts";
import { answerRequests } from "./thread-replies.ts";

export interface QueryThreadData {
  path: string;
  busyTimeoutMs: number;
}

export interface QueryRequest {
  sql: string;
  args: unknown[];
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

const { path, busyTimeoutMs } = workerData as QueryThreadData;

/** The connection and its statements; opened anew after a failure, as a statement stopped mid-way may keep its snapshot. */
function open() {
  const db = openFileConnection(path, busyTimeoutMs);
  // Reads only, whatever it is sent.
  db.exec("PRAGMA query_only = ON");
  const statements = new PreparedStatements(db, 50, (stmt) => (stmt.reader ? stmt.columns().map((column) => column.name) : []));
  return { db, statements };
}

let connection = open();

const plain = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);

answerRequests<QueryRequest, QueryResult>(
  (request) => {
    const { stmt, reader, facts: columns } = connection.statements.get(request.sql);
    if (!reader) throw new TypeError("Not a query");
    return { columns, rows: (stmt.all(request.args) as unknown[][]).map((row) => row.map(plain)) };
  },
  {
    close: () => {
      connection.statements.clear();
      connection.db.close();
    },
    failed: () => {
      connection.statements.clear();
      connection = open();
    },
  },
);
