/**
 * The BLT ballot format (ERS / OpenSTV / Droop) with its common extensions:
 *
 *   4 2                  candidates, seats; negative numbers after them
 *   -2                   (same line or the next) mark withdrawn candidates
 *   [nick a b c d]       short names usable on ballots instead of numbers
 *   [withdrawn b]        Droop's way of withdrawing (numbers or nicks)
 *   [tie c b a d]        explicit tie-break order as Droop reads it: the first listed loses a tie
 *   [title "Board 2025"] title, when the file has none at the end
 *   3 a b=c d 0          weight, preferences ("b=c": ranked equally), 0
 *   2 0                  a blank ballot
 *   0                    end of ballots
 *   "Alice" …            one quoted name per candidate
 *   "Title"              the election title (optional source/comment strings may follow)
 *
 * `#` starts a comment to the end of the line and `/* … *\/` a block comment
 * (outside quoted strings). Weights may be decimals, and whole weights at most
 * 2^53 − 1 (larger ones cannot be counted exactly). Each ballot has a line of
 * its own and ends with 0 on it: a forgotten terminator, or a second ballot
 * after the 0 ("3 1 0 2 0"), is an error instead of a silently merged or split
 * ballot. A file may name at most MAX_CANDIDATES candidates and hold at most
 * MAX_BALLOT_ROWS ballot lines, the limits of a JSON count. Every error is a
 * CountInputError whose message starts with the line number and whose field is
 * "line N". Parsing takes time linear in the file's length.
 */
import { MAX_BALLOT_ROWS, MAX_CANDIDATES } from "./limits.ts";
import { type Ballot, CountInputError, type RankEntry } from "./types.ts";

export interface BltElection {
  title: string;
  candidates: string[];
  /** Withdrawn candidates, in candidate order. */
  withdrawn: string[];
  seats: number;
  /**
   * The [tie] line as written: the first listed loses a tie. The engine's CountInput wants
   * the most favoured first, so callers reverse it (see src/tally/input.ts).
   */
  tieBreakOrder: string[] | null;
  ballots: Ballot[];
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

function fail(line: number, message: string): never {
  throw new CountInputError(`line ${line}: ${message}`, `line ${line}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "\n") {
      line++;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r" || /\s/.test(ch)) {
      i++;
    } else if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "/" && text[i + 1] === "*") {
      const start = line;
      const end = text.indexOf("*/", i + 2);
      if (end === -1) fail(start, "comment not closed with */");
      for (let j = i; j < end; j++) if (text[j] === "\n") line++;
      i = end + 2;
    } else if (ch === '"') {
      // Scanned to the closing quote or the end of the line, never further: many names on one line stay linear.
      let end = i + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== "\n") end++;
      if (text[end] !== '"') fail(line, "quoted string not closed on its line");
      tokens.push({ text: text.slice(i + 1, end), line, quoted: true });
      i = end + 1;
    } else if (ch === "[" || ch === "]") {
      tokens.push({ text: ch, line, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s[\]"]/.test(text[j] as string)) j++;
      tokens.push({ text: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return tokens;
}

export function parseBlt(text: string): BltElection {
  const tokens = tokenize(text);
  let at = 0;
  const lastLine = tokens.length > 0 ? (tokens[tokens.length - 1] as Token).line : 1;
  const peek = () => tokens[at];
  const next = (what: string): Token => {
    const token = tokens[at++];
    if (!token) fail(lastLine, `unexpected end of file, expected ${what}`);
    return token;
  };
  const whole = (token: Token, what: string, min: number) => {
    if (token.quoted || !/^\d+$/.test(token.text) || Number(token.text) < min) fail(token.line, `expected ${what}, found "${token.text}"`);
    return Number(token.text);
  };

  const countToken = next("the number of candidates");
  const count = whole(countToken, "the number of candidates", 1);
  if (count > MAX_CANDIDATES) {
    fail(countToken.line, `${count} candidates; at most ${MAX_CANDIDATES} can be counted`);
  }
  const seats = whole(next("the number of seats"), "the number of seats", 0);
  const nicks = new Map<string, number>();
  const withdrawn = new Set<number>();
  let tieOrder: number[] | null = null;
  let optionTitle: string | null = null;

  const candidateId = (token: Token, text = token.text): number => {
    if (/^\d+$/.test(text)) {
      const id = Number(text);
      if (id < 1 || id > count) fail(token.line, `candidate number ${text} is not between 1 and ${count}`);
      return id;
    }
    const id = nicks.get(text);
    if (id === undefined) fail(token.line, `unknown candidate "${text}"`);
    return id;
  };

  // Withdrawn numbers and [options] come before the first ballot.
  for (;;) {
    const token = peek();
    if (!token) fail(lastLine, "unexpected end of file, expected ballots");
    if (!token.quoted && /^-\d+$/.test(token.text)) {
      at++;
      withdrawn.add(candidateId(token, token.text.slice(1)));
    } else if (!token.quoted && token.text === "[") {
      at++;
      const name = next("an option name");
      const args: Token[] = [];
      for (let arg = next("]"); arg.quoted || arg.text !== "]"; arg = next("]")) args.push(arg);
      switch (name.text) {
        case "nick":
          if (args.length !== count) fail(name.line, `[nick] must give exactly ${count} nicknames`);
          args.forEach((arg, index) => {
            if (nicks.has(arg.text)) fail(arg.line, `nickname "${arg.text}" used twice`);
            nicks.set(arg.text, index + 1);
          });
          break;
        case "withdrawn":
          for (const arg of args) withdrawn.add(candidateId(arg));
          break;
        case "tie": {
          tieOrder = args.map((arg) => candidateId(arg));
          if (new Set(tieOrder).size !== tieOrder.length) fail(name.line, "[tie] lists a candidate twice");
          break;
        }
        case "title":
          optionTitle = args.map((arg) => arg.text).join(" ");
          break;
        case "droop":
          break; // Counting options of Droop's own rules; nothing here reads them.
        default:
          fail(name.line, `unknown option [${name.text}]`);
      }
    } else break;
  }

  const ballotsById: { weight: number; ranking: number[][] }[] = [];
  for (;;) {
    const head = next("a ballot weight or 0");
    if (head.quoted || !/^\d+(\.\d+)?$/.test(head.text)) fail(head.line, `expected a ballot weight or 0, found "${head.text}"`);
    const weight = Number(head.text);
    if (weight > Number.MAX_SAFE_INTEGER) {
      fail(head.line, `weight ${head.text} is above ${Number.MAX_SAFE_INTEGER} (2^53 - 1) and cannot be counted exactly`);
    }
    if (weight === 0) {
      const after = peek();
      if (after && after.line === head.line) fail(head.line, `unexpected "${after.text}" after the 0 that ends the ballots`);
      break;
    }
    if (ballotsById.length === MAX_BALLOT_ROWS)
      fail(head.line, `more than ${MAX_BALLOT_ROWS} ballot lines; at most that many can be counted`);
    const ranking: number[][] = [];
    for (;;) {
      const token = next("0 at the end of the ballot");
      if (token.line !== head.line) fail(head.line, "ballot does not end with 0");
      if (token.quoted) fail(token.line, `expected a candidate or 0, found "${token.text}"`);
      if (token.text === "0") break;
      ranking.push(token.text.split("=").map((part) => candidateId(token, part)));
    }
    // One ballot per line: "3 1 0 2 0" is a typo for something, not two ballots.
    const after = peek();
    if (after && after.line === head.line) {
      fail(head.line, `unexpected "${after.text}" after the 0 that ends the ballot; each ballot has a line of its own`);
    }
    ballotsById.push({ weight, ranking });
  }

  const candidates: string[] = [];
  const named = new Set<string>();
  for (let id = 1; id <= count; id++) {
    const token = next(`the name of candidate ${id}`);
    if (!token.quoted) fail(token.line, `expected the quoted name of candidate ${id}, found "${token.text}"`);
    if (named.has(token.text)) fail(token.line, `candidate name "${token.text}" used twice`);
    named.add(token.text);
    candidates.push(token.text);
  }
  let title = optionTitle ?? "";
  const titleToken = peek();
  if (titleToken) {
    if (!titleToken.quoted) fail(titleToken.line, `expected the quoted title, found "${titleToken.text}"`);
    title = titleToken.text;
    at++;
  }
  // Droop allows a source and a comment string after the title; they do not affect the count.
  for (let token = peek(); token; token = peek()) {
    if (!token.quoted) fail(token.line, `unexpected "${token.text}" after the title`);
    at++;
  }

  const nameOf = (id: number) => candidates[id - 1] as string;
  const entry = (ids: number[]): RankEntry => (ids.length === 1 ? nameOf(ids[0] as number) : ids.map(nameOf));
  return {
    title,
    candidates,
    withdrawn: candidates.filter((_, index) => withdrawn.has(index + 1)),
    seats,
    tieBreakOrder: tieOrder === null ? null : (tieOrder as number[]).map(nameOf),
    ballots: ballotsById.map(({ weight, ranking }) => ({ weight, ranking: ranking.map(entry) })),
  };
}

export interface BltInput {
  title?: string;
  candidates: string[];
  withdrawn?: string[];
  /** Default: every candidate (a full ranking). */
  seats?: number;
  tieBreakOrder?: string[] | null;
  ballots: Ballot[];
}

/** Writes a BLT file with candidate numbers; withdrawn candidates as negative numbers, the tie order as [tie]. */
export function formatBlt(election: BltInput): string {
  const { candidates } = election;
  const ids = new Map<string, number>();
  candidates.forEach((name, index) => {
    if (/["\n\r]/.test(name)) throw new CountInputError(`candidate name "${name}" cannot be written in BLT`, "candidates");
    if (ids.has(name)) throw new CountInputError(`candidate "${name}" is listed twice`, "candidates");
    ids.set(name, index + 1);
  });
  const id = (name: string, field: string) => {
    const found = ids.get(name);
    if (found === undefined) throw new CountInputError(`unknown candidate "${name}"`, field);
    return found;
  };
  const seats = election.seats ?? candidates.length;
  if (!Number.isInteger(seats) || seats < 0) throw new CountInputError("seats must be a whole number", "seats");
  const title = election.title ?? "";
  if (/["\n\r]/.test(title)) throw new CountInputError("the title cannot contain quotes or line breaks", "title");

  const lines = [`${candidates.length} ${seats}`];
  const withdrawn = election.withdrawn ?? [];
  if (withdrawn.length > 0) lines.push(withdrawn.map((name) => `-${id(name, "withdrawn")}`).join(" "));
  if (election.tieBreakOrder) lines.push(`[tie ${election.tieBreakOrder.map((name) => id(name, "tieBreakOrder")).join(" ")}]`);
  election.ballots.forEach((ballot, index) => {
    const field = `ballots[${index}]`;
    if (!Number.isFinite(ballot.weight) || ballot.weight <= 0) throw new CountInputError("BLT weights must be positive", `${field}.weight`);
    const weight = Number.isInteger(ballot.weight) ? String(ballot.weight) : ballot.weight.toFixed(12).replace(/\.?0+$/, "");
    if (!/^\d+(\.\d+)?$/.test(weight) || Number(weight) !== ballot.weight) {
      throw new CountInputError(`weight ${ballot.weight} cannot be written exactly in BLT`, `${field}.weight`);
    }
    const ranks = ballot.ranking.map((rank) =>
      (typeof rank === "string" ? [rank] : rank).map((name) => id(name, `${field}.ranking`)).join("="),
    );
    lines.push([weight, ...ranks, "0"].join(" "));
  });
  lines.push("0");
  for (const name of candidates) lines.push(`"${name}"`);
  lines.push(`"${title}"`);
  return `${lines.join("\n")}\n`;
}
