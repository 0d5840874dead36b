/**
 * Fixed-point decimals as BigInt integers scaled by 10^precision, so that
 * 1.5 at precision 5 is 150000n. Counting rules (SSI 2007/42 r.48(3), Droop,
 * the PRF Meek rule) define results at a fixed number of decimals with a
 * stated rounding direction; scaled integers reproduce that exactly, which
 * binary floats cannot (0.1 has no exact float).
 *
 * Every helper assumes non-negative operands unless it says otherwise: the
 * counts never multiply or divide negative amounts.
 */

import { CountInputError } from "../types.ts";

export function scaleOf(precision: number): bigint {
  return 10n ** BigInt(precision);
}

/** a × b at the same scale, remainder dropped. */
export function mulDown(a: bigint, b: bigint, scale: bigint): bigint {
  return (a * b) / scale;
}

/** a × b at the same scale, rounded up to the next unit. */
export function mulUp(a: bigint, b: bigint, scale: bigint): bigint {
  const product = a * b;
  const quotient = product / scale;
  return quotient * scale === product ? quotient : quotient + 1n;
}

/** a ÷ b at the same scale, rounded up to the next unit. */
export function divUp(a: bigint, b: bigint, scale: bigint): bigint {
  const numerator = a * scale;
  const quotient = numerator / b;
  return quotient * b === numerator ? quotient : quotient + 1n;
}

/** Renders a scaled value (sign allowed) with exactly `precision` decimals. */
export function formatFixed(value: bigint, precision: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(precision + 1, "0");
  const whole = digits.slice(0, digits.length - precision);
  const fraction = digits.slice(digits.length - precision);
  return `${negative ? "-" : ""}${whole}${precision > 0 ? `.${fraction}` : ""}`;
}

/**
 * Reads a non-negative decimal (a string such as "0.000001", or a number,
 * whose shortest decimal form is used) exactly at the given precision.
 * Digits beyond the precision are an input error, never silently rounded.
 */
export function parseFixed(value: unknown, precision: number, field: string): bigint {
  const text = typeof value === "number" ? numberToDecimal(value) : value;
  if (typeof text !== "string") throw new CountInputError(`${field} must be a decimal number`, field);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new CountInputError(`${field} must be a non-negative decimal number`, field);
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > precision) {
    throw new CountInputError(`${field} has more decimals than the precision (${precision})`, field);
  }
  return BigInt(whole) * scaleOf(precision) + BigInt(fraction.padEnd(precision, "0") || "0");
}

/** 1e-7 prints as "1e-7" in JS; expand it so the parser sees plain digits. */
function numberToDecimal(value: number): string {
  if (!Number.isFinite(value) || value < 0) return "invalid";
  const text = String(value);
  const exp = /^(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (!exp) return text;
  const digits = `${exp[1]}${exp[2] ?? ""}`;
  return `0.${"0".repeat(Number(exp[3]) - 1)}${digits}`;
}
