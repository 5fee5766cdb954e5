import { chunkBySize } from "./chunk";

describe("chunkBySize", () => {
  it("closes a group at the item limit or before the byte limit would be exceeded, keeping order", () => {
    expect(chunkBySize([1, 1, 1, 1, 1], 2, 100)).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunkBySize([60, 30, 20, 90], 10, 100)).toEqual([[0, 1], [2], [3]]);
  });

  it("gives an oversized item a group of its own and never emits an empty group", () => {
    expect(chunkBySize([150, 10], 5, 100)).toEqual([[0], [1]]);
    expect(chunkBySize([], 5, 100)).toEqual([]);
  });
});
