/**
 * Whether a set of CIDR blocks covers the whole IPv4 or IPv6 address space together: two rules
 * `0.0.0.0/1` and `128.0.0.0/1` open a port to the internet as surely as one `0.0.0.0/0`.
 */
import * as ipaddr from "ipaddr.js";

type Range = [bigint, bigint];

function rangeOf(cidr: string): { v6: boolean; range: Range } | undefined {
  if (!ipaddr.isValidCIDR(cidr)) return undefined;
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  const v6 = addr.kind() === "ipv6";
  const width = v6 ? 128n : 32n;
  const start = addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const host = width - BigInt(bits);
  const base = (start >> host) << host;
  return { v6, range: [base, base + (1n << host) - 1n] };
}

function covers(ranges: Range[], width: bigint): boolean {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let next = 0n;
  for (const [start, end] of sorted) {
    if (start > next) return false;
    if (end + 1n > next) next = end + 1n;
  }
  return next >= 1n << width;
}

/** True when the union of `cidrs` is every IPv4 address or every IPv6 address (IPv4-mapped forms aside). */
export function coversInternet(cidrs: readonly string[]): boolean {
  const v4: Range[] = [];
  const v6: Range[] = [];
  for (const c of cidrs) {
    const r = rangeOf(c);
    if (r) (r.v6 ? v6 : v4).push(r.range);
  }
  return (v4.length > 0 && covers(v4, 32n)) || (v6.length > 0 && covers(v6, 128n));
}
