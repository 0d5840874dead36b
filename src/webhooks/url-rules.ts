/**
 * Which URLs a webhook may be delivered to. A webhook makes the server send requests to an
 * address a client chose, so without rules it would reach whatever the server can: its own
 * loopback, the private network, a cloud's metadata service. Outside development a URL must be
 * https and name a public host: no loopback, private, link-local, shared, multicast or reserved
 * IP literal (IPv4, IPv6, IPv4 inside IPv6), and no name that only a local resolver answers
 * (`localhost`, `*.local`, `*.internal`, single labels, …).
 *
 * What a public name resolves to is not checked here: Workers cannot resolve names, and a check
 * at creation would not hold at delivery anyway (DNS rebinding). Deployments that need that
 * guarantee enforce it with egress rules; on Workers, Cloudflare's own fetch does not reach
 * private addresses. Redirects are never followed (deliver.ts), so a public URL cannot bounce
 * a delivery inward.
 */

export interface UrlRuleOptions {
  /** Development and tests: http and private or loopback hosts are allowed. */
  allowPrivate: boolean;
}

const maxUrlLength = 2000;
const localSuffixes = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home", ".corp", ".home.arpa", ".localdomain"];
const localNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata.google.internal"];

/** Blocked IPv4 ranges: [first octets as a number, prefix length]. */
const blockedV4: [string, number][] = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (carrier NAT)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function v4Number(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function isBlockedV4(value: number): boolean {
  return blockedV4.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4Number(base) as number;
    return value >= start && value < start + size;
  });
}

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (compressed, lower case). */
function v6Groups(address: string): number[] | undefined {
  let text = address;
  // An IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = v4Number(tail[1] as string);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -(tail[1] as string).length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const front = parse(head);
  const back = rest === undefined ? [] : parse(rest);
  const fill = rest === undefined ? 0 : 8 - front.length - back.length;
  const groups = [...front, ...Array.from({ length: fill }, () => 0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function isBlockedV6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embeddedV4 = g6 * 65536 + g7;
  if (groups.every((g) => g === 0)) return true; // unspecified
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 1) return true; // loopback
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  // IPv4-mapped, IPv4-compatible and NAT64 addresses carry an IPv4 address: judge that.
  const v4Inside =
    (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0)) ||
    (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0);
  return v4Inside && isBlockedV4(embeddedV4);
}

/** Why a host may not receive webhooks, or undefined when it may. */
function hostProblem(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const groups = v6Groups(host.slice(1, -1));
    if (!groups || isBlockedV6(groups)) return "must not be a loopback, private, link-local or reserved address";
    return undefined;
  }
  const v4 = v4Number(host);
  if (v4 !== undefined) return isBlockedV4(v4) ? "must not be a loopback, private, link-local or reserved address" : undefined;
  if (localNames.includes(host) || localSuffixes.some((suffix) => host.endsWith(suffix)))
    return "must be a public host name, not a local one";
  if (!host.includes(".")) return "must be a public host name with a domain (a single label is resolved only locally)";
  return undefined;
}

/** Why a URL may not receive webhooks, or undefined when it may. */
export function webhookUrlProblem(text: string, options: UrlRuleOptions): string | undefined {
  if (text.length > maxUrlLength) return `must be at most ${maxUrlLength} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.hash) return "must not have a fragment";
  if (options.allowPrivate) return undefined;
  if (url.protocol !== "https:") return "must be an https URL";
  return hostProblem(url.hostname);
}
