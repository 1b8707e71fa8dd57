// Where webhooks may be sent. A webhook must not reach the service's own host or the networks
// behind it (loopback, link-local cloud metadata at 169.254.169.254, private ranges), unless an
// administrator allows a network explicitly (WEBHOOK_ALLOWED_NETWORKS, e.g. an agency intranet).
//
// The check is made on the address actually connected to: the delivery worker's HTTP agent
// resolves names through `pinnedLookup`, which refuses the connection when the name resolves to a
// refused address, and hands the checked address itself to the socket — so a name cannot resolve
// to an allowed address for a check and to another one for the connection. A URL whose host is an
// address literal (in any spelling the URL parser accepts: `2130706433`, `0x7f000001`, `127.1`,
// `[::ffff:127.0.0.1]`) is refused at registration, and again before every attempt.
//
// Allowed without configuration: unicast addresses outside every special-purpose range that
// ipaddr.js knows (RFC 6890 and successors). Refused otherwise: unspecified (0.0.0.0/8, ::),
// loopback, link-local (169.254/16, fe80::/10), multicast, broadcast, private (10/8, 172.16/12,
// 192.168/16), shared (100.64/10), unique-local (fc00::/7), IPv4-mapped and translated IPv6 forms
// (::ffff:0:0/96, 64:ff9b::/96, 6to4, Teredo), documentation, benchmarking and reserved ranges.
import dns from "node:dns";
import net, { type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses WEBHOOK_ALLOWED_NETWORKS: comma-separated CIDRs (a bare address is one host). Throws on a bad entry. */
export function parseNetworks(text: string | undefined): Network[] {
  if (!text || !text.trim()) return [];
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      if (entry.includes("/")) {
        // parseCIDR accepts only plain dotted / colon notation here, never 0x7f000001-style forms
        const [address, bits] = entry.split("/");
        if (!ipaddr.isValidCIDR(entry) || !(net.isIP(address) > 0) || !/^\d{1,3}$/.test(bits)) {
          throw new Error(`not a network in CIDR notation: ${entry}`);
        }
        return ipaddr.parseCIDR(entry);
      }
      if (!(net.isIP(entry) > 0)) throw new Error(`not a network in CIDR notation: ${entry}`);
      const a = ipaddr.parse(entry);
      return [a, a.kind() === "ipv4" ? 32 : 128] as Network;
    });
}

function inNetwork(a: ipaddr.IPv4 | ipaddr.IPv6, [range, bits]: Network): boolean {
  return a.kind() === range.kind() && a.match(range, bits);
}

/**
 * Whether a resolved address may be connected to: it is in an allowed network (an IPv4-mapped
 * IPv6 address also through the IPv4 address it maps), or it is ordinary public unicast.
 * Anything that does not parse as an address is refused.
 */
export function addressAllowed(address: string, allowed: readonly Network[]): boolean {
  const plain = address.replace(/^\[(.*)\]$/, "$1");
  if (!(net.isIP(plain.split("%")[0]) > 0)) return false;
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    a = ipaddr.parse(plain);
  } catch {
    return false;
  }
  const forms = [a];
  if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((a as ipaddr.IPv6).toIPv4Address());
  if (allowed.some((n) => forms.some((f) => inNetwork(f, n)))) return true;
  return a.range() === "unicast";
}

/** Names that mean this host whatever DNS says (RFC 6761). */
function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}

/**
 * For a URL that names its host literally (an address, or at registration also `localhost` and
 * `*.localhost`): whether it is refused. Other names are checked when the connection is made
 * (pinnedLookup), as are localhost names at send time (they resolve to loopback).
 */
export function literalHostRefused(url: string, allowed: readonly Network[], localhostNames = true): boolean {
  let host: string;
  try {
    host = new URL(url).hostname; // the URL parser has normalised 2130706433, 0x7f000001, 127.1 …
  } catch {
    return true;
  }
  const plain = host.replace(/^\[(.*)\]$/, "$1");
  if (localhostNames && isLocalhostName(plain)) return !addressAllowed("127.0.0.1", allowed);
  if (net.isIP(plain) > 0) return !addressAllowed(plain, allowed);
  return false;
}

export class DestinationNotAllowed extends Error {
  readonly code = "ERR_WEBHOOK_DESTINATION_NOT_ALLOWED";
  constructor() {
    super("destination not allowed");
  }
}

type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for the sockets of the delivery agent: resolves the name, refuses the connection
 * (DestinationNotAllowed) if ANY of its addresses is refused, and otherwise gives the socket the
 * addresses it checked. `resolve` is dns.lookup; tests pass resolved addresses in its place.
 */
export function pinnedLookup(allowed: readonly Network[], resolve: Resolve = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    const wantAll = (options as dns.LookupOptions).all === true;
    const family = (options as dns.LookupOptions).family;
    resolve(
      hostname,
      { family: family === "IPv4" ? 4 : family === "IPv6" ? 6 : (family ?? 0), all: true },
      (err, addresses) => {
        if (err) return callback(err, wantAll ? [] : "", wantAll ? undefined : 0);
        if (addresses.length === 0 || addresses.some((a) => !addressAllowed(a.address, allowed))) {
          const refused = new DestinationNotAllowed() as Error as NodeJS.ErrnoException;
          return wantAll ? (callback as (e: Error) => void)(refused) : callback(refused, "", 0);
        }
        if (wantAll) (callback as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
    );
  };
}

/** Whether an error (or one of its causes) is a refused destination. */
export function isDestinationNotAllowed(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++) {
    if (x instanceof DestinationNotAllowed || x.code === "ERR_WEBHOOK_DESTINATION_NOT_ALLOWED") return true;
  }
  return false;
}
