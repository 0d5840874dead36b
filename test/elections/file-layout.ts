/**
 * Reads a SQLite database file as an outsider would: no SQL, only bytes. Used to check
 * that where ballots physically sit in the file says nothing about when they were cast.
 *
 * SQLite writes each new cell of a b-tree page in front of the cells written before it
 * (or into the space of a removed one), so cells that sit side by side were, unless the
 * page was rebuilt since, written one after the other: `neighboursInTime` measures that.
 */
import { existsSync, readFileSync } from "node:fs";

export interface FileImage {
  /** The main database file followed by its write-ahead log, if one exists: everything an outsider can copy. */
  bytes: Buffer;
  main: Buffer;
  pageSize: number;
}

export function readImage(path: string): FileImage {
  const main = readFileSync(path);
  const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
  const raw = main.readUInt16BE(16);
  return { bytes: Buffer.concat([main, wal]), main, pageSize: raw === 1 ? 65536 : raw };
}

/** How many times `text` occurs anywhere in the file (live rows, free space, the log). */
export function occurrences(image: FileImage, text: string): number {
  const needle = Buffer.from(text, "utf8");
  let count = 0;
  for (let at = image.bytes.indexOf(needle); at !== -1; at = image.bytes.indexOf(needle, at + 1)) count++;
  return count;
}

function pageData(image: FileImage, page: number): Buffer {
  return image.main.subarray((page - 1) * image.pageSize, page * image.pageSize);
}

/** Every page of the b-tree rooted at `root` (interior and leaf pages alike). */
export function treePages(image: FileImage, root: number): Set<number> {
  const pages = new Set<number>();
  const pending = [root];
  while (pending.length > 0) {
    const page = pending.pop() as number;
    if (pages.has(page)) continue;
    pages.add(page);
    const data = pageData(image, page);
    const header = page === 1 ? 100 : 0;
    const type = data[header];
    if (type !== 2 && type !== 5) continue; // a leaf
    const cells = data.readUInt16BE(header + 3);
    pending.push(data.readUInt32BE(header + 8));
    for (let i = 0; i < cells; i++) pending.push(data.readUInt32BE(data.readUInt16BE(header + 12 + 2 * i)));
  }
  return pages;
}

/** A cell of a b-tree page: bytes [start, end) of the page. */
export interface Cell {
  page: number;
  start: number;
  end: number;
}

function varint(data: Buffer, at: number): [value: number, length: number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = data[at + i] as number;
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, i + 1];
  }
  return [value * 256 + (data[at + 8] as number), 9];
}

/** The cells of an index b-tree page (WITHOUT ROWID tables are index b-trees too); payloads here never overflow. */
function cellsOf(image: FileImage, page: number): Cell[] {
  const data = pageData(image, page);
  const header = page === 1 ? 100 : 0;
  const type = data[header];
  if (type !== 2 && type !== 10) throw new Error(`page ${page} is not an index b-tree page`);
  const interior = type === 2;
  const cells: Cell[] = [];
  for (let i = 0; i < data.readUInt16BE(header + 3); i++) {
    const start = data.readUInt16BE(header + (interior ? 12 : 8) + 2 * i);
    const at = start + (interior ? 4 : 0);
    const [payload, length] = varint(data, at);
    cells.push({ page, start, end: at + length + payload });
  }
  return cells;
}

/** The live cell, among the given pages, that holds `text`, or null. (Stale copies outside any cell are skipped.) */
export function cellOf(image: FileImage, pages: Set<number>, text: string): Cell | null {
  const needle = Buffer.from(text, "utf8");
  for (const page of [...pages].sort((a, b) => a - b)) {
    const data = pageData(image, page);
    for (let offset = data.indexOf(needle); offset !== -1; offset = data.indexOf(needle, offset + 1)) {
      const cell = cellsOf(image, page).find((c) => c.start <= offset && offset < c.end);
      if (cell) return cell;
    }
  }
  return null;
}

/**
 * Of the pairs of cells that sit directly next to each other in a page, the share whose
 * rows are near each other (at most `near` apart) in the order of `cells` — the order
 * the rows were written in, as far as the test knows it.
 *
 * SQLite takes a new cell from the unused space of a page, directly in front of the cell
 * written before it, or from the space a removed cell left (the lowest first), next to
 * the one written before it. Either way, where places follow the order of writing,
 * neighbours in the page are neighbours in time and this share is high; where places say
 * nothing of that order, it is what chance gives: about 2·near/n for n rows.
 */
export function neighboursInTime(cells: Cell[], near = 2): { share: number; pairs: number } {
  const at = new Map(cells.map((cell, i) => [`${cell.page}:${cell.start}`, i]));
  let close = 0;
  let pairs = 0;
  cells.forEach((cell, i) => {
    // The cell directly behind this one starts where this one ends.
    const behind = at.get(`${cell.page}:${cell.end}`);
    if (behind === undefined) return;
    pairs++;
    if (Math.abs(behind - i) <= near) close++;
  });
  return { share: pairs === 0 ? 0 : close / pairs, pairs };
}
