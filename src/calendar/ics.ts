import { isUtcZone, utcToLocal } from "../lib/zone.ts";

/**
 * Low-level iCalendar (RFC 5545) writing: text escaping, date formats, and content lines
 * folded at 75 octets with CRLF. Folding counts UTF-8 bytes and never splits a character.
 */

const encoder = new TextEncoder();

/** TEXT values: backslash, semicolon, comma and newlines are escaped (3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** Parameter values with characters that need quoting are quoted; quotes themselves cannot appear (3.2). */
export function paramValue(value: string): string {
  const clean = value.replace(/"/g, "'");
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const out: string[] = [];
  let current = "";
  let size = 0;
  // The first line holds 75 octets; continuation lines start with a space, so 74 more each.
  let limit = 75;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    if (size + bytes > limit) {
      out.push(current);
      current = " ";
      size = 1;
      limit = 75;
    }
    current += char;
    size += bytes;
  }
  out.push(current);
  return out.join("\r\n");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function basicDateTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** 20261201T170000Z */
export function formatUtc(ms: number): string {
  return `${basicDateTime(ms)}Z`;
}

/** Local time in a zone, for `;TZID=` properties: 20261201T180000 */
export function formatLocal(ms: number, timeZone: string): string {
  return basicDateTime(utcToLocal(timeZone, ms));
}

/** A DATE-TIME property in the event's zone: with TZID, or in UTC for UTC zones. */
export function dateTimeProperty(name: string, ms: number, timeZone: string): string {
  return isUtcZone(timeZone) ? `${name}:${formatUtc(ms)}` : `${name};TZID=${paramValue(timeZone)}:${formatLocal(ms, timeZone)}`;
}

/** Several DATE-TIMEs in one property (EXDATE), same zone rules. */
export function dateTimeListProperty(name: string, values: number[], timeZone: string): string {
  if (isUtcZone(timeZone)) return `${name}:${values.map(formatUtc).join(",")}`;
  return `${name};TZID=${paramValue(timeZone)}:${values.map((ms) => formatLocal(ms, timeZone)).join(",")}`;
}

/** UTC offset as iCalendar writes it: +0100, -0330, +053045 when seconds are needed. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const total = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `${sign}${pad(hours)}${pad(minutes)}${seconds ? pad(seconds) : ""}`;
}

/** Collects content lines and serialises them folded and CRLF-terminated. */
export class IcsWriter {
  private readonly lines: string[] = [];

  line(content: string): this {
    this.lines.push(content);
    return this;
  }

  /** A TEXT property, escaped; skipped when the value is empty. */
  text(name: string, value: string | null | undefined): this {
    if (value) this.lines.push(`${name}:${escapeText(value)}`);
    return this;
  }

  begin(component: string): this {
    return this.line(`BEGIN:${component}`);
  }

  end(component: string): this {
    return this.line(`END:${component}`);
  }

  toString(): string {
    if (this.lines.length === 0) return "";
    return `${this.lines.map(foldLine).join("\r\n")}\r\n`;
  }
}
