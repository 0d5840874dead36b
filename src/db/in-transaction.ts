import type { Client, InArgs, InStatement, ResultSet, Transaction } from "@libsql/client";

const toStatement = (stmtOrSql: InStatement | string, args?: InArgs): InStatement =>
  typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;

const toStatements = (stmts: Array<InStatement | [string, InArgs?]>): InStatement[] =>
  stmts.map((stmt) => (Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt));

/**
 * A client whose every statement runs inside one open transaction, so that code written for a
 * plain client (a route handler and its Drizzle queries) can be run whole inside it and
 * committed, or rolled back, together with something else.
 *
 * A batch stays all-or-nothing inside the transaction: it runs under a savepoint, undone when
 * one of its statements fails, as a batch of its own would have been.
 */
export function clientInTransaction(transaction: Transaction, protocol: string): Client {
  let savepoints = 0;
  const client: Client = {
    protocol,
    get closed() {
      return transaction.closed;
    },
    execute: ((stmtOrSql: InStatement | string, args?: InArgs) => transaction.execute(toStatement(stmtOrSql, args))) as Client["execute"],
    async batch(stmts) {
      const name = `batch_${++savepoints}`;
      try {
        const results = await transaction.batch([`SAVEPOINT ${name}`, ...toStatements(stmts), `RELEASE ${name}`]);
        return results.slice(1, -1);
      } catch (error) {
        if (!transaction.closed) {
          await transaction.execute(`ROLLBACK TO ${name}`);
          await transaction.execute(`RELEASE ${name}`);
        }
        throw error;
      }
    },
    async migrate(stmts): Promise<ResultSet[]> {
      return client.batch(stmts);
    },
    async transaction() {
      throw new Error("A transaction cannot be opened inside the request's transaction; use batch() for an atomic group.");
    },
    executeMultiple: (sql) => transaction.executeMultiple(sql),
    async sync() {
      return undefined;
    },
    // The transaction belongs to whoever opened it; it is theirs to end.
    close() {},
    reconnect() {},
  };
  insideTransaction.add(client);
  return client;
}

const insideTransaction = new WeakSet<Client>();

/** Whether every statement of this client already runs inside one open transaction (see clientInTransaction). */
export const isInTransaction = (client: Client) => insideTransaction.has(client);
