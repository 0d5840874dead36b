import Database from "libsql";

/**
 * How much of the file a connection reads through a memory map, up to SQLite's usual
 * compile-time limit (2 GiB; beyond it, or where the build allows less, pages are read as
 * before). Each connection's own page cache is SQLite's default 2 MB, and a large
 * organisation's file is hundreds: what a request touches at random (the members on 50
 * groups' rosters, for their counts) was read page by page with a system call into that
 * cache, over and over. Mapped, those pages are read in place from the operating system's
 * cache, which every connection, thread and process on the file shares.
 */
export const mappedFileBytes = 0x7fff0000;

/** A driver connection to the embedded file at `path`, reading it through a memory map. */
export function openFileConnection(path: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(path, { timeout: busyTimeoutMs });
  db.exec(`PRAGMA mmap_size = ${mappedFileBytes}`);
  return db;
}
