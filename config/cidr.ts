import * as ipaddr from "ipaddr.js";

/** An IPv4 network parsed from CIDR notation, as numeric bounds. */
export interface Ipv4Network {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; throws a readable error when the text is not an IPv4 CIDR block. */
export function parseCidr(cidr: string): Ipv4Network {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR block (expected a.b.c.d/n)`);
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  return { cidr, first, last: first + size - 1, prefix };
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return i.first >= o.first && i.last <= o.last;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.first <= y.last && y.first <= x.last;
}

/** True when the block's address is its network address (`10.0.1.0/24`, not `10.0.1.7/24`). */
export function isNetworkAddress(cidr: string): boolean {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  return base % 2 ** (32 - prefix) === 0;
}

/**
 * The `index`-th /24 of a /16 VPC at third octet `offset + index`: the reference architecture's layout
 * (public 10.0.1.0/24, private 10.0.10.0/24, database 10.0.20.0/24, next AZs the next blocks).
 */
export function subnetOf16(vpcCidr: string, offset: number, index: number): string {
  const vpc = parseCidr(vpcCidr);
  if (vpc.prefix !== 16) {
    throw new Error(
      `default subnets need a /16 VPC; "${vpcCidr}" is a /${vpc.prefix}: set the subnet CIDRs explicitly`,
    );
  }
  const third = offset + index;
  if (third > 255) throw new Error(`no /24 block ${third} inside ${vpcCidr}`);
  const a = Math.floor(vpc.first / 2 ** 24);
  const b = Math.floor(vpc.first / 2 ** 16) % 256;
  return `${a}.${b}.${third}.0/24`;
}
