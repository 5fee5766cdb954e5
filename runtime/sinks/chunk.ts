/**
 * Splits items (in order) into consecutive groups of at most `maxItems` items and `maxBytes` bytes
 * (an item larger than `maxBytes` gets a group of its own; callers refuse such items earlier).
 * Returns the indexes of each group.
 *
 * @example
 * chunkBySize([10, 10, 10], 2, 100); // [[0, 1], [2]]
 */
export function chunkBySize(sizes: readonly number[], maxItems: number, maxBytes: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, i) => {
    if (current.length > 0 && (current.length === maxItems || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
