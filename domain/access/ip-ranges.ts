/**
 * The one parser of addresses and CIDR ranges, for the network policies: `allowedIP` is validated with
 * {@link parseCidr} when it is set and matched with {@link rangeContains} on every request, so a range
 * that is accepted is a range that can match. Parsing is ipaddr.js's; this module only narrows what it
 * accepts to what a policy may say.
 */
import ipaddr from 'ipaddr.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed CIDR range: its network address and prefix length. */
export interface IpRange {
  readonly address: IpAddress;
  readonly prefix: number;
}

/** Why a string is not a range a policy may hold (the text goes into the 400's message). */
export type CidrRefusal =
  | 'not a CIDR subnet'
  | 'an IPv4-mapped IPv6 range never matches: write it as IPv4'
  | 'a zone id has no place in a range';

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Parses `address/prefix`: dotted-decimal IPv4 (no octal, hex or short forms, which ipaddr.js would take
 * as other addresses) or IPv6. Refused as well: IPv4-mapped IPv6 ranges (a mapped source address is
 * matched as the IPv4 address it carries, so such a range can never match) and zone ids (RFC 4007: a
 * zone names an interface, not a network).
 */
export function parseCidr(text: string): IpRange | CidrRefusal {
  const slash = text.indexOf('/');
  if (slash < 0) return 'not a CIDR subnet';
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return 'not a CIDR subnet';
  const prefix = Number(prefixText);
  if (ipaddr.IPv4.isValidFourPartDecimal(addressText))
    return prefix <= 32 ? { address: ipaddr.IPv4.parse(addressText), prefix } : 'not a CIDR subnet';
  if (!ipaddr.IPv6.isValid(addressText) || prefix > 128) return 'not a CIDR subnet';
  const address = ipaddr.IPv6.parse(addressText);
  if (address.zoneId !== undefined) return 'a zone id has no place in a range';
  if (address.isIPv4MappedAddress()) return 'an IPv4-mapped IPv6 range never matches: write it as IPv4';
  return { address, prefix };
}

/**
 * A request's source address as a policy sees it: IPv4-mapped IPv6 (what a dual-stack socket reports for an
 * IPv4 peer) is the IPv4 address it carries; a zone id is dropped. Undefined for anything else.
 */
export function parseSourceAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : new ipaddr.IPv6(address.parts);
}

/** True when `address` lies in `range` (of the same family). */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.address.kind() !== address.kind()) return false;
  return address.match(range.address, range.prefix);
}
