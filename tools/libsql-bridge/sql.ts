/**
 * A small SQLite tokenizer. The `libsql` driver silently prepares only the first statement of a string and
 * exposes neither parameter names nor the statement kind, yet the Hrana protocol (as sqld implements it)
 * rejects multi-statement `execute`s, binds named arguments by name and reports `affected_row_count` and
 * `last_insert_rowid` by statement kind. So we recover that information from the text ourselves, following
 * SQLite's own tokenizer rules (tokenize.c) and `sqlite3_complete()`'s trigger-aware splitting (complete.c).
 */

export interface StatementInfo {
  /** The statement's text, without the terminating semicolon. */
  text: string;
  /** The text after any `EXPLAIN [QUERY PLAN]` prefix. */
  body: string;
  /** `params[i]` is what `sqlite3_bind_parameter_name(i + 1)` would return: the name with its prefix, or null for `?`. */
  params: (string | null)[];
  isExplain: boolean;
  /** INSERT, REPLACE, UPDATE or DELETE (possibly behind a WITH clause): the statements sqld reports changes for. */
  isIud: boolean;
  /** INSERT or REPLACE: the statements sqld reports `last_insert_rowid` for. */
  isInsert: boolean;
}

// Token classes of sqlite3_complete(); whitespace and comments are not fed to the state machine.
const SEMI = 0;
const OTHER = 1;
const EXPLAIN = 2;
const CREATE = 3;
const TEMP = 4;
const TRIGGER = 5;
const END = 6;

// States: 0 start, 1 normal, 2 explain, 3 create, 4 inside a trigger body, 5 semicolon inside a trigger, 6 END after it.
const TRANSITIONS: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 1, 1, 1],
  [0, 1, 1, 1, 1, 1, 1],
  [0, 2, 1, 3, 1, 1, 1],
  [0, 1, 1, 1, 3, 4, 1],
  [5, 4, 4, 4, 4, 4, 4],
  [5, 4, 4, 4, 4, 4, 6],
  [0, 4, 4, 4, 4, 4, 4],
];

const MAIN_KEYWORDS = new Set(["SELECT", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE"]);

interface Word {
  upper: string;
  depth: number;
  start: number;
}

class Draft {
  start = -1;
  end = -1;
  depth = 0;
  words: Word[] = [];
  firstTokenIsWord = false;
  nVar = 0;
  names = new Map<string, number>();
  nameOf = new Map<number, string>();

  token(start: number, end: number): void {
    if (this.start < 0) this.start = start;
    this.end = end;
  }

  variable(token: string): void {
    if (token === "?") {
      this.nVar += 1;
      return;
    }
    if (token.startsWith("?")) {
      const index = Number(token.slice(1));
      // An out-of-range number is a prepare error in SQLite; leave it for the driver to report.
      if (!Number.isInteger(index) || index < 1) return;
      if (index > this.nVar) this.nVar = index;
      if (!this.nameOf.has(index)) this.nameOf.set(index, token);
      return;
    }
    if (this.names.has(token)) return;
    this.nVar += 1;
    this.names.set(token, this.nVar);
    this.nameOf.set(this.nVar, token);
  }

  finish(sql: string): StatementInfo {
    const text = sql.slice(this.start, this.end);
    let index = 0;
    let isExplain = false;
    if (this.words[0]?.upper === "EXPLAIN" && this.firstTokenIsWord) {
      isExplain = true;
      index = 1;
      if (this.words[1]?.upper === "QUERY" && this.words[2]?.upper === "PLAN") index = 3;
    }
    const bodyStart = this.words[index]?.start ?? this.start;
    let main = this.words[index]?.upper;
    if (main === "WITH") {
      const baseDepth = this.words[index]?.depth ?? 0;
      main = this.words.slice(index + 1).find((word) => word.depth === baseDepth && MAIN_KEYWORDS.has(word.upper))?.upper;
    }
    const isInsert = !isExplain && (main === "INSERT" || main === "REPLACE");
    const isIud = isInsert || (!isExplain && (main === "UPDATE" || main === "DELETE"));
    const params: (string | null)[] = [];
    for (let i = 1; i <= this.nVar; i++) params.push(this.nameOf.get(i) ?? null);
    return { text, body: sql.slice(bodyStart, this.end), params, isExplain, isIud, isInsert };
  }
}

function isIdChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f ||
    code === 0x24 ||
    code >= 0x80
  );
}

function isIdStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code >= 0x80;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** End of a quoted token starting at `start`; a doubled closing quote is an escaped quote. */
function quotedEnd(sql: string, start: number, close: string): number {
  let i = start + 1;
  for (;;) {
    const found = sql.indexOf(close, i);
    if (found < 0) return sql.length;
    if (close !== "]" && sql[found + 1] === close) {
      i = found + 2;
      continue;
    }
    return found + 1;
  }
}

/** End of a `$name`, `:name`, `@name` or `#name` variable, or `start + 1` when no name follows (not a variable). */
function variableEnd(sql: string, start: number): number {
  let n = 0;
  let i = start + 1;
  for (; i < sql.length; i++) {
    const code = sql.charCodeAt(i);
    if (isIdChar(code)) {
      n += 1;
    } else if (code === 0x28 && n > 0) {
      // Tcl-style `$a(b)` suffix.
      do i += 1;
      while (i < sql.length && !isSpace(sql.charCodeAt(i)) && sql[i] !== ")");
      if (sql[i] === ")") i += 1;
      break;
    } else if (code === 0x3a && sql[i + 1] === ":") {
      i += 1;
    } else {
      break;
    }
  }
  return n === 0 ? start + 1 : i;
}

function wordClass(upper: string): number {
  switch (upper) {
    case "EXPLAIN":
      return EXPLAIN;
    case "CREATE":
      return CREATE;
    case "TEMP":
    case "TEMPORARY":
      return TEMP;
    case "TRIGGER":
      return TRIGGER;
    case "END":
      return END;
    default:
      return OTHER;
  }
}

/** Splits SQL text into statements the way SQLite would execute them one after another; empty statements are dropped. */
export function splitSql(sql: string): StatementInfo[] {
  const statements: StatementInfo[] = [];
  let draft = new Draft();
  let state = 0;
  let i = 0;
  const feed = (tokenClass: number): void => {
    state = TRANSITIONS[state]?.[tokenClass] ?? 1;
  };

  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    const ch = sql[i];
    const start = i;

    if (isSpace(code)) {
      i += 1;
      continue;
    }
    if (ch === "-" && sql[i + 1] === "-") {
      const newline = sql.indexOf("\n", i);
      i = newline < 0 ? sql.length : newline + 1;
      continue;
    }
    if (ch === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    if (ch === ";") {
      i += 1;
      feed(SEMI);
      if (state === 0) {
        if (draft.start >= 0) statements.push(draft.finish(sql));
        draft = new Draft();
      } else {
        draft.token(start, i);
      }
      continue;
    }

    if (ch === "'" || ch === '"' || ch === "`") {
      i = quotedEnd(sql, i, ch);
      feed(OTHER);
    } else if (ch === "[") {
      i = quotedEnd(sql, i, "]");
      feed(OTHER);
    } else if (ch === "?") {
      i += 1;
      while (i < sql.length && isDigit(sql.charCodeAt(i))) i += 1;
      draft.variable(sql.slice(start, i));
      feed(OTHER);
    } else if (ch === ":" || ch === "@" || ch === "$" || ch === "#") {
      i = variableEnd(sql, i);
      if (i > start + 1) draft.variable(sql.slice(start, i));
      feed(OTHER);
    } else if (isIdStart(code)) {
      i += 1;
      while (i < sql.length && isIdChar(sql.charCodeAt(i))) i += 1;
      const upper = sql.slice(start, i).toUpperCase();
      if (draft.start < 0) draft.firstTokenIsWord = true;
      draft.words.push({ upper, depth: draft.depth, start });
      feed(wordClass(upper));
    } else if (isDigit(code) || (ch === "." && isDigit(sql.charCodeAt(i + 1)))) {
      i += 1;
      while (i < sql.length && (isIdChar(sql.charCodeAt(i)) || sql[i] === ".")) i += 1;
      feed(OTHER);
    } else {
      if (ch === "(") draft.depth += 1;
      if (ch === ")") draft.depth -= 1;
      i += 1;
      feed(OTHER);
    }
    draft.token(start, i);
  }
  if (draft.start >= 0) statements.push(draft.finish(sql));
  return statements;
}
