import { BlockList, isIP } from 'node:net';

/**
 * Whether `address` is one of the proxies in front of the API (`TRUSTED_PROXIES`: addresses or
 * CIDR ranges, IPv4 or IPv6). An IPv4 address in IPv6 form (`::ffff:10.0.0.1`) counts as itself.
 */
export function isTrustedProxy(address: string, trusted: readonly string[]): boolean {
  if (trusted.length === 0) return false;
  return blockListOf(trusted).check(plain(address), isIP(plain(address)) === 6 ? 'ipv6' : 'ipv4');
}

/** True when every entry is an address or a CIDR range. */
export function isValidProxyEntry(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

const cache = new Map<string, BlockList>();

function blockListOf(trusted: readonly string[]): BlockList {
  const key = trusted.join(',');
  let list = cache.get(key);
  if (list) return list;
  list = new BlockList();
  for (const entry of trusted) {
    const [address, bits] = entry.split('/');
    const type = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  cache.set(key, list);
  return list;
}

function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
