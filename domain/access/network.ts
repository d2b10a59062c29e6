/**
 * Pure address checks for the instance network policies (allowedIP, allowedNetwork). Addresses
 * become bigints; IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports)
 * count as their IPv4 address. No node:net: domain/ stays free of platform modules.
 */
interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const zoneless = text.split('%')[0] ?? '';
  const halves = zoneless.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const out: bigint[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(BigInt(`0x${p}`));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<bigint>(missing).fill(0n), ...tail].reduce((acc, g) => (acc << 16n) | g, 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

export function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn && (v6 & ~0xffffffffn) === MAPPED_PREFIX) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

/** True when `address` lies in `cidr` (`10.0.0.0/8`, `2001:db8::/32`); false for anything malformed. */
export function cidrContains(cidr: string, address: string): boolean {
  const slash = cidr.indexOf('/');
  const net = parseAddress(slash < 0 ? cidr : cidr.slice(0, slash));
  const ip = parseAddress(address);
  if (!net || !ip || net.family !== ip.family) return false;
  const width = net.family === 4 ? 32 : 128;
  const bits = slash < 0 ? width : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return net.value >> shift === ip.value >> shift;
}

/** Loopback, private (RFC 1918, RFC 4193 unique local) and link-local addresses: the "private network". */
const PRIVATE_RANGES = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

export function isPrivateAddress(address: string): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, address));
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
