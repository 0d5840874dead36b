/**
 * Seats between lists by highest averages: d'Hondt (divisors 1, 2, 3, …; LPV,
 * "heltalsmetoden") and Sainte-Laguë (first divisor, then 3, 5, 7, …;
 * "jämkade uddatalsmetoden").
 *
 * - Each ballot row is votes for one list: `ranking` = [list], `weight` =
 *   votes. A row naming more than one list is invalid; an empty row is blank.
 * - Every comparison is exact: quotients are rationals compared by BigInt
 *   cross-multiplication, so 17/3 against 5 or a true tie is never blurred
 *   by floating point.
 * - `options.firstDivisor` (Sainte-Laguë only): 1.2 by default, the Swedish
 *   Elections Act since 2018 (14 kap. 3 § vallagen); 1 gives plain
 *   Sainte-Laguë, 1.4 the Norwegian and older Swedish rule. It is read as the
 *   decimal written, so 1.2 is exactly 6/5.
 * - `options.cartels` (valsamverkan): lists in a cartel count as one unit
 *   with their votes summed for the distribution against everyone else; the
 *   cartel's seats are then divided among its members by the same method.
 *   The i-th seat the cartel wins goes to the member that won the i-th seat
 *   inside it, which gives `elected` its order.
 * - Equal quotients for a seat: tieBreakOrder, else the seeded lot ("lotten
 *   avgör"), reported. A cartel takes its best-placed member's position.
 */
import { prepareBallots, requireSeats } from "./ballots.ts";
import { Fraction } from "./common/rational.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import { type CountInput, CountInputError, type CountResult, type Round } from "./types.ts";

type Method = "dhondt" | "sainte_lague";

interface Unit {
  name: string;
  votes: Fraction;
}

export function countDhondt(input: CountInput): CountResult {
  return countHighestAverages(input, "dhondt");
}

export function countSainteLague(input: CountInput): CountResult {
  return countHighestAverages(input, "sainte_lague");
}

export const DEFAULT_FIRST_DIVISOR = 1.2;

function firstDivisorOf(input: CountInput, method: Method): Fraction {
  const given = input.options?.firstDivisor;
  if (method === "dhondt") {
    if (given !== undefined && given !== 1) throw new CountInputError("firstDivisor applies to sainte_lague only", "options.firstDivisor");
    return Fraction.ONE;
  }
  const value = given ?? DEFAULT_FIRST_DIVISOR;
  if (typeof value !== "number" && typeof value !== "string")
    throw new CountInputError("options.firstDivisor must be a number", "options.firstDivisor");
  const divisor = Fraction.fromDecimal(value, "options.firstDivisor");
  if (divisor.sign() <= 0) throw new CountInputError("options.firstDivisor must be positive", "options.firstDivisor");
  return divisor;
}

function divisorFor(method: Method, first: Fraction, seatsWon: number): Fraction {
  if (method === "dhondt") return Fraction.of(seatsWon + 1);
  return seatsWon === 0 ? first : Fraction.of(2 * seatsWon + 1);
}

function cartelsOf(input: CountInput, standing: readonly string[]): string[][] {
  const raw = input.options?.cartels;
  if (raw === undefined) return [];
  const field = "options.cartels";
  if (!Array.isArray(raw) || !raw.every((cartel) => Array.isArray(cartel) && cartel.every((name) => typeof name === "string"))) {
    throw new CountInputError("cartels must be a list of lists of list names", field);
  }
  const known = new Set(input.candidates);
  const used = new Set<string>();
  const live = new Set(standing);
  const cartels: string[][] = [];
  for (const cartel of raw as string[][]) {
    if (new Set(cartel).size !== cartel.length || cartel.length < 2)
      throw new CountInputError("a cartel needs at least two different lists", field);
    for (const name of cartel) {
      if (!known.has(name)) throw new CountInputError(`cartel names unknown list "${name}"`, field);
      if (used.has(name)) throw new CountInputError(`list "${name}" is in two cartels`, field);
      used.add(name);
    }
    const members = cartel.filter((name) => live.has(name));
    if (members.length > 0) cartels.push(members);
  }
  return cartels;
}

export function countHighestAverages(input: CountInput, method: Method): CountResult {
  const seats = requireSeats(input, Number.MAX_SAFE_INTEGER);
  const first = firstDivisorOf(input, method);
  const prepared = prepareBallots(input, { allowEqualRanks: false, maxMarks: 1 });
  const lists = prepared.continuing;
  const cartels = cartelsOf(input, lists);
  const tieBreaker = new TieBreaker(input);

  const votes = new Map(lists.map((name) => [name, Fraction.ZERO]));
  for (const ballot of prepared.ballots) {
    const name = ballot.ranking[0]?.[0] as string;
    votes.set(name, (votes.get(name) as Fraction).add(Fraction.fromDecimal(ballot.weight, "ballots.weight")));
  }
  if ([...votes.values()].every((v) => v.sign() === 0)) throw new CountInputError("no list has any votes", "ballots");

  const cartelOf = new Map<string, string>();
  const cartelMembers = new Map<string, string[]>();
  for (const members of cartels) {
    const name = members.join(" + ");
    if (votes.has(name)) throw new CountInputError(`cartel name "${name}" collides with a list name`, "options.cartels");
    cartelMembers.set(name, members);
    for (const member of members) cartelOf.set(member, name);
    tieBreaker.addGroup(name, members);
  }
  const units: Unit[] = [];
  for (const name of lists) {
    const cartel = cartelOf.get(name);
    if (cartel === undefined) units.push({ name, votes: votes.get(name) as Fraction });
    else if (!units.some((unit) => unit.name === cartel)) {
      const members = cartelMembers.get(cartel) as string[];
      units.push({ name: cartel, votes: members.reduce((sum, m) => sum.add(votes.get(m) as Fraction), Fraction.ZERO) });
    }
  }

  const rounds: Round[] = [];
  const allocate = (among: Unit[], count: number, scope: string) => {
    const won = new Map(among.map((unit) => [unit.name, 0]));
    const awards: string[] = [];
    for (let seat = 1; seat <= count; seat++) {
      const quotients = among.map((unit) => ({ unit, divisor: divisorFor(method, first, won.get(unit.name) as number) }));
      const values = quotients.map(({ unit, divisor }) => ({ name: unit.name, divisor, value: unit.votes.div(divisor) }));
      const best = values.reduce((a, b) => (b.value.cmp(a.value) > 0 ? b : a));
      const tied = values.filter((v) => v.value.eq(best.value)).map((v) => v.name);
      const number = rounds.length + 1;
      const winner = tieBreaker.pickFirst(tied, number, "seat");
      won.set(winner, (won.get(winner) as number) + 1);
      awards.push(winner);
      rounds.push({
        number,
        action: `${scope}seat ${seat} to ${winner} (comparison number ${best.value.toDecimal(5)}${tied.length > 1 ? `, tied with ${tied.filter((t) => t !== winner).join(", ")}` : ""}).`,
        tallies: Object.fromEntries(values.map((v) => [v.name, v.value.toDecimal(5)])),
        elected: [winner],
        excluded: [],
        details: {
          seat,
          divisors: Object.fromEntries(values.map((v) => [v.name, v.divisor.toDecimal(5)])),
          votes: Object.fromEntries(among.map((u) => [u.name, u.votes.toDecimal(5)])),
        },
      });
    }
    return awards;
  };

  const awards = allocate(units, seats, cartels.length > 0 ? "Between lists and cartels: " : "");
  const inside = new Map<string, string[]>();
  for (const [name, members] of cartelMembers) {
    const count = awards.filter((a) => a === name).length;
    if (count === 0) continue;
    inside.set(
      name,
      allocate(
        members.map((m) => ({ name: m, votes: votes.get(m) as Fraction })),
        count,
        `Within cartel ${name}: `,
      ),
    );
  }
  const elected = awards.map((award) => {
    const members = inside.get(award);
    return members ? (members.shift() as string) : award;
  });
  const seatsPerList = Object.fromEntries(lists.map((name) => [name, elected.filter((e) => e === name).length]));

  return {
    method,
    seats,
    parameters: {
      ...tieBreaker.parameters(),
      ...(method === "sainte_lague"
        ? { firstDivisor: first.toNumber(), divisors: `${first.toDecimal(5)}, 3, 5, 7, …` }
        : { divisors: "1, 2, 3, …" }),
      cartels,
    },
    elected,
    seatsPerList,
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}
