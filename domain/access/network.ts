/**
 * The instance network policies (allowedIP, allowedNetwork) as access control applies them, on the
 * addresses and ranges of ip-ranges.ts (the same parser validates a policy when it is set).
 */
import { parseCidr, parseSourceAddress, rangeContains, type IpRange } from './ip-ranges.ts';

/** True when `address` lies in `cidr` (`10.0.0.0/8`, `2001:db8::/32`); false for anything malformed. */
export function cidrContains(cidr: string, address: string): boolean {
  const range = parseCidr(cidr);
  const source = parseSourceAddress(address);
  return typeof range !== 'string' && source !== undefined && rangeContains(range, source);
}

/** Loopback, private (RFC 1918, RFC 4193 unique local) and link-local addresses: the "private network". */
const PRIVATE_RANGES: readonly IpRange[] = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
].map((text) => {
  const range = parseCidr(text);
  if (typeof range === 'string') throw new Error(`${text}: ${range}`);
  return range;
});

export function isPrivateAddress(address: string): boolean {
  const source = parseSourceAddress(address);
  return source !== undefined && PRIVATE_RANGES.some((range) => rangeContains(range, source));
}

/** The instance's network policies as access control reads them. */
export interface NetworkPolicy {
  readonly allowedIP?: { readonly enabled: boolean; readonly ipAddresses: readonly string[] } | undefined;
  readonly allowedNetwork?: 'public-and-private' | 'private-only' | undefined;
}

/** May a request from `sourceIp` reach the instance? An enabled allowedIP list must contain it; private-only needs a private source. */
export function networkAllows(policy: NetworkPolicy, sourceIp: string): boolean {
  if (policy.allowedIP?.enabled && !policy.allowedIP.ipAddresses.some((cidr) => cidrContains(cidr, sourceIp)))
    return false;
  if (policy.allowedNetwork === 'private-only' && !isPrivateAddress(sourceIp)) return false;
  return true;
}
