/** Pure CIDR checks for the allowedIP policy (no node:net: domain/ stays free of platform modules). */

function isIpv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return false;
  const doubleColons = address.split('::').length - 1;
  if (doubleColons > 1) return false;
  let groups = address
    .split(':')
    .filter((g, i, all) => !(g === '' && (doubleColons === 1 || i === 0 || i === all.length - 1)));
  let count = 0;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    groups = groups.slice(0, -1);
    count += 2;
  }
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  count += groups.length;
  return doubleColons === 1 ? count < 8 : count === 8;
}

/** True for an IPv4 or IPv6 subnet in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`). */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  const prefix = Number(bits);
  if (isIpv4(address)) return prefix <= 32;
  if (isIpv6(address)) return prefix <= 128;
  return false;
}
