/**
 * Exact rationals over BigInt, always reduced with a positive denominator.
 * Used where a rule is defined with exact arithmetic (Droop's WIGM: quota
 * votes/(seats+1), surplus × value / total with nothing rounded).
 */

export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError("zero denominator");
  const sign = d < 0n ? -1n : 1n;
  const g = gcd(n, d < 0n ? -d : d) || 1n;
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function add(a: Rational, b: Rational): Rational {
  if (a.d === b.d) return rational(a.n + b.n, a.d);
  return rational(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return add(a, { n: -b.n, d: b.d });
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d, a.d * b.n);
}

export function mulInt(a: Rational, k: bigint): Rational {
  return rational(a.n * k, a.d);
}

export function compare(a: Rational, b: Rational): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Decimal rendering rounded half up at `places` decimals (display only, never used for decisions). */
export function formatRational(value: Rational, places: number): string {
  const scale = 10n ** BigInt(places);
  const negative = value.n < 0n;
  const n = negative ? -value.n : value.n;
  const scaled = (n * scale * 2n + value.d) / (value.d * 2n);
  const digits = scaled.toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${places > 0 ? `.${fraction}` : ""}`;
}
