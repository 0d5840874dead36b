/**
 * Text from uploaded bytes whose encoding the sender often does not know: a spreadsheet
 * saved by Excel is UTF-8 only when the user chose "CSV UTF-8"; Swedish Excel's plain
 * "CSV (semikolonavgränsad)" is Windows-1252, and "Unicode text" is UTF-16.
 *
 * The encoding is, in this order: the byte-order mark (UTF-8, UTF-16LE, UTF-16BE), else
 * the charset the request declares, else UTF-8 when the bytes are valid UTF-8, else
 * Windows-1252 when that reading is unambiguous. Decoding never replaces a byte with
 * U+FFFD: bytes that do not fit the encoding are an error naming their line.
 *
 * Windows-1252 is read with TextDecoder, which Node and workerd both support; it maps the
 * five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) to C1 control
 * characters instead of failing, so those bytes are refused here before it runs.
 */

export type Charset = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export type CharsetProblem =
  /** The declared charset is not one this module reads. */
  | "unknown_charset"
  /** The bytes are not valid in the encoding their byte-order mark or the request declares. */
  | "invalid"
  /** NUL bytes every other byte: UTF-16 without a byte-order mark, which cannot be told LE from BE safely. */
  | "utf16_without_bom"
  /** Valid UTF-8 sequences and bytes that are not UTF-8 in one file: no single reading is right. */
  | "mixed"
  /** Not UTF-8, and holding a byte that Windows-1252 does not define. */
  | "not_windows_1252";

export class CharsetError extends Error {
  readonly problem: CharsetProblem;
  /** 1-based line of the first offending byte, where a line can be told. */
  readonly line: number | undefined;

  constructor(problem: CharsetProblem, message: string, line?: number) {
    super(message);
    this.problem = problem;
    this.line = line;
    this.name = "CharsetError";
  }
}

/** Labels a request may declare, as WHATWG's Encoding standard names them (ASCII and Latin-1 are read as their superset, Windows-1252). */
const labels: Record<string, Charset> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "unicode-1-1-utf-8": "utf-8",
  "utf-16": "utf-16le",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  "x-cp1252": "windows-1252",
  "iso-8859-1": "windows-1252",
  "iso8859-1": "windows-1252",
  latin1: "windows-1252",
  l1: "windows-1252",
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
};

export const charsetLabels = ["utf-8", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1"] as const;

/** The `charset` parameter of a Content-Type header, lower-cased and unquoted; undefined when there is none. */
export function declaredCharset(contentType: string | undefined): string | undefined {
  for (const parameter of (contentType ?? "").split(";").slice(1)) {
    const [name, ...rest] = parameter.split("=");
    if (name?.trim().toLowerCase() !== "charset") continue;
    const value = rest
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim()
      .toLowerCase();
    return value || undefined;
  }
  return undefined;
}

/** Bytes Windows-1252 leaves undefined. */
const undefinedIn1252 = new Uint8Array(256);
for (const byte of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) undefinedIn1252[byte] = 1;

/** Where the first byte Windows-1252 leaves undefined is, or -1. */
function firstUndefinedIn1252(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (undefinedIn1252[bytes[i] as number]) return i;
  return -1;
}

const lineAt = (bytes: Uint8Array, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/** The length of the valid UTF-8 sequence starting at a non-ASCII byte, or 0 when none starts there. */
function utf8SequenceAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] as number;
  const continuation = (at: number, low = 0x80, high = 0xbf) => {
    const byte = bytes[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    // No overlong forms (E0 80–9F) and no surrogates (ED A0–BF).
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

/** Whether the start of the bytes looks like UTF-16: a NUL in at least a quarter of the even or of the odd positions. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const pairs = Math.min(bytes.length, 4096) >> 1;
  if (pairs === 0) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return even * 4 >= pairs || odd * 4 >= pairs;
}

function decodeStrictly(bytes: Uint8Array, charset: Charset, why: string): string {
  if (charset === "windows-1252") {
    const at = firstUndefinedIn1252(bytes);
    if (at !== -1) {
      throw new CharsetError(
        "invalid",
        `byte ${hex(bytes[at] as number)} is not a Windows-1252 character, although ${why}`,
        lineAt(bytes, at),
      );
    }
  }
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    const line = charset === "utf-8" ? lineAt(bytes, firstInvalidUtf8(bytes)) : undefined;
    throw new CharsetError("invalid", `the bytes are not valid ${charset.toUpperCase()}, although ${why}`, line);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) < 0x80) continue;
    const length = utf8SequenceAt(bytes, i);
    if (length === 0) return i;
    i += length - 1;
  }
  return bytes.length;
}

/**
 * Decodes the bytes as described at the top; `declared` is the request's charset label.
 * Throws CharsetError when no reading is certain.
 */
export function decodeText(bytes: Uint8Array, declared?: string): { text: string; charset: Charset } {
  // A byte-order mark is the surest sign there is, and decides over a declared charset (as WHATWG's decode does).
  const boms: [number[], Charset][] = [
    [[0xef, 0xbb, 0xbf], "utf-8"],
    [[0xff, 0xfe], "utf-16le"],
    [[0xfe, 0xff], "utf-16be"],
  ];
  for (const [mark, charset] of boms) {
    if (mark.every((byte, index) => bytes[index] === byte)) {
      return {
        text: decodeStrictly(bytes.subarray(mark.length), charset, `the file starts with the byte-order mark of ${charset.toUpperCase()}`),
        charset,
      };
    }
  }

  if (declared !== undefined) {
    const charset = labels[declared];
    if (!charset)
      throw new CharsetError("unknown_charset", `charset '${declared}' is not supported; use one of ${charsetLabels.join(", ")}`);
    return { text: decodeStrictly(bytes, charset, `the request declares charset=${declared}`), charset };
  }

  if (looksLikeUtf16(bytes)) {
    throw new CharsetError("utf16_without_bom", "the file looks like UTF-16 (every other byte is NUL) but has no byte-order mark");
  }

  // Most files are UTF-8: the runtime's own decoder settles that quickly; only other files are scanned byte by byte.
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), charset: "utf-8" };
  } catch {
    // Not UTF-8: see below whether Windows-1252 reads it.
  }
  let firstInvalid = -1;
  let multibyte = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) < 0x80) continue;
    const length = utf8SequenceAt(bytes, i);
    if (length > 0) {
      multibyte++;
      i += length - 1;
    } else if (firstInvalid === -1) {
      firstInvalid = i;
    }
  }
  if (firstInvalid === -1) return { text: new TextDecoder("utf-8").decode(bytes), charset: "utf-8" };

  const line = lineAt(bytes, firstInvalid);
  if (multibyte > 0) {
    throw new CharsetError(
      "mixed",
      `the file mixes UTF-8 characters with bytes that are not UTF-8 (${hex(bytes[firstInvalid] as number)} on line ${line}), so no single encoding reads it right`,
      line,
    );
  }
  const undefinedAt = firstUndefinedIn1252(bytes);
  if (undefinedAt !== -1) {
    const at = lineAt(bytes, undefinedAt);
    throw new CharsetError(
      "not_windows_1252",
      `the file is not UTF-8, nor Windows-1252: byte ${hex(bytes[undefinedAt] as number)} on line ${at} is a character of neither`,
      at,
    );
  }
  return { text: new TextDecoder("windows-1252").decode(bytes), charset: "windows-1252" };
}
