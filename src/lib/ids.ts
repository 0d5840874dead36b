/** Each byte as two hex digits, for building ids without a string per digit. */
const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * Random bytes drawn 4 KiB at a time: a call to getRandomValues costs some 2 µs whatever its
 * size, the better part of an id's cost, and an import or a mailing makes 100,000 ids.
 */
const randomPool = new Uint8Array(4096);
let poolUsed = randomPool.length;

/**
 * UUIDv7 (RFC 9562): time-ordered, so ordering by id is ordering by creation,
 * which keeps cursor pagination on one indexed column.
 */
export function newId(now: Date = new Date()): string {
  if (poolUsed + 10 > randomPool.length) {
    crypto.getRandomValues(randomPool);
    poolUsed = 0;
  }
  const bytes = new Uint8Array(16);
  // The first 6 bytes are the instant in milliseconds, the other 10 random.
  bytes.set(randomPool.subarray(poolUsed, poolUsed + 10), 6);
  poolUsed += 10;
  let ms = now.getTime();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  let hex = "";
  for (const byte of bytes) hex += hexOfByte[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
