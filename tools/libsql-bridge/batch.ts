import { type Connection, StmtError } from "./connection.ts";
import {
  type BatchCond,
  type BatchResult,
  type BatchStep,
  type CursorEntry,
  ProtocolError,
  type ProtoError,
  type SqlRef,
  type SqlValue,
  type StmtResult,
} from "./protocol.ts";

export interface ResolvedStmt {
  sql: string;
  args: SqlValue[];
  namedArgs: { name: string; value: SqlValue }[];
  wantRows: boolean;
}

export interface ResolvedStep {
  condition: BatchCond | undefined;
  stmt: ResolvedStmt;
}

export type StepOutcome = { status: "ok"; result: StmtResult } | { status: "error"; error: ProtoError } | { status: "skipped" };

export function resolveSql(ref: SqlRef, stored: ReadonlyMap<number, string>): string {
  if (ref.sql !== undefined) return ref.sql;
  const sql = stored.get(ref.sqlId);
  if (sql === undefined) throw new ProtocolError(`SQL text ${ref.sqlId} not found`);
  return sql;
}

/** Looks up stored SQL for every step before anything runs, so an unknown id fails the request as a whole. */
export function resolveSteps(steps: BatchStep[], stored: ReadonlyMap<number, string>): ResolvedStep[] {
  return steps.map(({ condition, stmt }) => ({
    condition,
    stmt: { sql: resolveSql(stmt.ref, stored), args: stmt.args, namedArgs: stmt.namedArgs, wantRows: stmt.wantRows },
  }));
}

export function evaluateCondition(cond: BatchCond, outcomes: readonly StepOutcome[], conn: Connection): boolean {
  switch (cond.type) {
    case "ok":
      return outcomes[cond.step]?.status === "ok";
    case "error":
      return outcomes[cond.step]?.status === "error";
    case "not":
      return !evaluateCondition(cond.cond, outcomes, conn);
    case "and":
      return cond.conds.every((inner) => evaluateCondition(inner, outcomes, conn));
    case "or":
      return cond.conds.some((inner) => evaluateCondition(inner, outcomes, conn));
    case "is_autocommit":
      return conn.isAutocommit;
  }
}

/** Runs steps in order; a step whose condition is false is skipped, a failing step does not stop the batch. */
export function executeBatch(conn: Connection, steps: readonly ResolvedStep[]): StepOutcome[] {
  const outcomes: StepOutcome[] = [];
  for (const { condition, stmt } of steps) {
    if (condition !== undefined && !evaluateCondition(condition, outcomes, conn)) {
      outcomes.push({ status: "skipped" });
      continue;
    }
    try {
      outcomes.push({ status: "ok", result: conn.execute(stmt.sql, stmt.args, stmt.namedArgs, stmt.wantRows) });
    } catch (error) {
      if (!(error instanceof StmtError)) throw error;
      outcomes.push({ status: "error", error: error.toProto() });
    }
  }
  return outcomes;
}

export function toBatchResult(outcomes: readonly StepOutcome[]): BatchResult {
  return {
    step_results: outcomes.map((outcome) => (outcome.status === "ok" ? outcome.result : null)),
    step_errors: outcomes.map((outcome) => (outcome.status === "error" ? outcome.error : null)),
  };
}

/** The entries a v3 cursor streams for a batch; skipped steps produce none. */
export function toCursorEntries(outcomes: readonly StepOutcome[]): CursorEntry[] {
  const entries: CursorEntry[] = [];
  outcomes.forEach((outcome, step) => {
    if (outcome.status === "error") {
      entries.push({ type: "step_error", step, error: outcome.error });
    } else if (outcome.status === "ok") {
      const { cols, rows, affected_row_count, last_insert_rowid } = outcome.result;
      entries.push({ type: "step_begin", step, cols });
      for (const row of rows) entries.push({ type: "row", row });
      entries.push({ type: "step_end", affected_row_count, last_insert_rowid });
    }
  });
  return entries;
}
