import { defaultSeed, lotOrder } from "../lot.ts";
import { type CountInput, CountInputError, type TieReport } from "../types.ts";

/**
 * One place that decides every tie of a count, so that all methods share the
 * same semantics:
 *
 * - `tieBreakOrder` lists candidates from most to least favoured. In a tie for
 *   a seat (or a better place) the tied candidate earliest in it wins; in a tie
 *   for exclusion the one latest in it is excluded.
 * - Candidates it does not list rank after those it lists, in the order of a
 *   lot drawn with `seed` (default: derived from the candidate names, see
 *   lot.ts), so a partial order never leaves a tie undecided and the lot is
 *   reproducible from the parameters echoed in the result.
 * - Groups (a party-list cartel, a set of candidates) take the position of
 *   their most favoured member.
 */
export class TieBreaker {
  readonly ties: TieReport[] = [];
  readonly seed: string;
  readonly tieBreakOrder: string[] | null;
  private readonly listed: Set<string>;
  private readonly position = new Map<string, number>();
  /** For a group: the member whose position it took, to tell whether the order or the lot decided. */
  private readonly groupLead = new Map<string, string>();

  constructor(input: CountInput, names: readonly string[] = input.candidates) {
    const order = input.tieBreakOrder ?? null;
    this.seed = input.seed ?? defaultSeed(input.candidates);
    if (typeof this.seed !== "string") throw new CountInputError("seed must be a string", "seed");
    const known = new Set(names);
    if (order !== null) {
      if (!Array.isArray(order)) throw new CountInputError("tieBreakOrder must be a list of candidates", "tieBreakOrder");
      const seen = new Set<string>();
      for (const name of order) {
        if (!known.has(name)) throw new CountInputError(`tieBreakOrder names unknown candidate "${name}"`, "tieBreakOrder");
        if (seen.has(name)) throw new CountInputError(`tieBreakOrder lists "${name}" twice`, "tieBreakOrder");
        seen.add(name);
      }
    }
    this.tieBreakOrder = order === null ? null : [...order];
    this.listed = new Set(order ?? []);
    const full = [
      ...(order ?? []),
      ...lotOrder(
        names.filter((name) => !this.listed.has(name)),
        this.seed,
      ),
    ];
    full.forEach((name, index) => {
      this.position.set(name, index);
    });
  }

  /** Parameters to echo in a result. */
  parameters(): { tieBreakOrder: string[] | null; seed: string } {
    return { tieBreakOrder: this.tieBreakOrder, seed: this.seed };
  }

  /** Lets a group of names (a cartel) take part in ties under its own name. */
  addGroup(name: string, members: readonly string[]): void {
    const best = Math.min(...members.map((member) => this.rank(member)));
    this.position.set(name, best);
    this.groupLead.set(
      name,
      members.reduce((a, b) => (this.rank(a) <= this.rank(b) ? a : b)),
    );
  }

  private rank(name: string): number {
    const at = this.position.get(name);
    if (at === undefined) throw new Error(`tie between unknown names: ${name}`);
    return at;
  }

  private decidedByOrder(name: string): boolean {
    return this.listed.has(this.groupLead.get(name) ?? name);
  }

  /** The tied names from most to least favoured (no report). */
  sort(tied: readonly string[]): string[] {
    return [...tied].sort((a, b) => this.rank(a) - this.rank(b));
  }

  /** Picks the most favoured of `tied` (for election or a better place) and records the tie. */
  pickFirst(tied: readonly string[], round: number, decides: string): string {
    const chosen = this.sort(tied)[0] as string;
    if (tied.length > 1) {
      this.ties.push({
        round,
        decides,
        candidates: [...tied],
        resolvedBy: this.decidedByOrder(chosen) ? "tie_break_order" : "lot",
        chosen,
      });
    }
    return chosen;
  }

  /** Picks the least favoured of `tied` (for exclusion) and records the tie. */
  pickLast(tied: readonly string[], round: number, decides: string): string {
    const sorted = this.sort(tied);
    const chosen = sorted[sorted.length - 1] as string;
    if (tied.length > 1) {
      // The last place is a lot only when two or more unlisted names compete for it.
      const unlisted = tied.filter((name) => !this.decidedByOrder(name)).length;
      this.ties.push({ round, decides, candidates: [...tied], resolvedBy: unlisted >= 2 ? "lot" : "tie_break_order", chosen });
    }
    return chosen;
  }

  /**
   * Picks among tied sets of candidates (Schulze STV): the set whose members,
   * each sorted from most to least favoured, compare first lexicographically.
   * Reported with each set written as "a + b + c".
   */
  pickSet(tied: readonly (readonly string[])[], round: number, decides: string): string[] {
    const keyed = tied.map((original) => {
      const set = this.sort(original);
      return { original, set, key: set.map((name) => this.rank(name)) };
    });
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    const chosen = keyed[0] as (typeof keyed)[number];
    if (tied.length > 1) {
      // Decided by the order when every rival lost at a position held by a listed candidate of the chosen set.
      const byOrder = keyed.slice(1).every(({ key }) => {
        const at = key.findIndex((value, index) => value !== chosen.key[index]);
        return this.decidedByOrder(chosen.set[at] as string);
      });
      this.ties.push({
        round,
        decides,
        candidates: tied.map((set) => set.join(" + ")),
        resolvedBy: byOrder ? "tie_break_order" : "lot",
        chosen: chosen.original.join(" + "),
      });
    }
    return [...chosen.original];
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
