import { CountInputError } from "../types.ts";

/**
 * Exact rational numbers on BigInt, for comparisons that decide seats
 * (party-list quotients such as 35/3 against 14/1.2, a true tie that floating
 * point turns into a win): equal values are equal, and "1.2" is exactly 6/5.
 */

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export class Fraction {
  /** Always in lowest terms with a positive denominator, so equal values have equal fields. */
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Fraction {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError("division by zero");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n, d);
    return g > 1n ? new Fraction(n / g, d / g) : new Fraction(n, d);
  }

  static readonly ZERO = Fraction.of(0n);
  static readonly ONE = Fraction.of(1n);

  /**
   * The exact value of a decimal as written (1.2 is 6/5, not the nearest double).
   * `field` names the input for the error when the value is not a finite number.
   */
  static fromDecimal(value: number | string, field = "value"): Fraction {
    const text = typeof value === "number" ? decimalText(value) : value.trim();
    const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
    if (!match) throw new CountInputError(`${field} must be a finite decimal number`, field);
    const [, sign, whole = "0", frac = "", exp = "0"] = match;
    let num = BigInt(whole + frac);
    let den = 10n ** BigInt(frac.length);
    const e = Number(exp);
    if (e > 0) num *= 10n ** BigInt(e);
    else if (e < 0) den *= 10n ** BigInt(-e);
    return Fraction.of(sign === "-" ? -num : num, den);
  }

  add(o: Fraction): Fraction {
    return this.den === o.den
      ? Fraction.of(this.num + o.num, this.den)
      : Fraction.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Fraction): Fraction {
    return this.den === o.den
      ? Fraction.of(this.num - o.num, this.den)
      : Fraction.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Fraction): Fraction {
    return Fraction.of(this.num * o.num, this.den * o.den);
  }

  div(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den, this.den * o.num);
  }

  /** Negative, zero or positive as this is less than, equal to or greater than o (cross-multiplication, exact). */
  cmp(o: Fraction): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  eq(o: Fraction): boolean {
    return this.num === o.num && this.den === o.den;
  }

  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }

  /** Decimal text rounded half away from zero to `places` decimals, trailing zeros dropped ("17/3" → "5.66667"). */
  toDecimal(places = 5): string {
    return this.rounded(places, false);
  }

  /** Decimal text rounded half away from zero to exactly `places` decimals ("8" → "8.00000"), for count records. */
  toFixed(places: number): string {
    return this.rounded(places, true);
  }

  private rounded(places: number, keepZeros: boolean): string {
    const negative = this.num < 0n;
    const abs = negative ? -this.num : this.num;
    const scale = 10n ** BigInt(places);
    const scaled = (abs * scale * 2n + this.den) / (this.den * 2n);
    const whole = scaled / scale;
    let frac = places === 0 ? "" : (scaled % scale).toString().padStart(places, "0");
    if (!keepZeros) frac = frac.replace(/0+$/, "");
    const text = frac ? `${whole}.${frac}` : `${whole}`;
    return negative && scaled !== 0n ? `-${text}` : text;
  }
}

/** Shortest decimal text of a double without exponent surprises for ordinary magnitudes. */
function decimalText(value: number): string {
  if (!Number.isFinite(value)) return "NaN";
  return String(value);
}

/** Tally display for plain-number counts: integers as they are, fractions to at most 9 decimals. */
export function formatCount(value: number): string {
  if (Number.isInteger(value)) return value.toString();
  return Fraction.fromDecimal(value).toDecimal(9);
}
