import { seededRandom } from "../testing/events";
import { canonicalTime, epochMillis } from "./time";

describe("epochMillis", () => {
  it("equals Date.parse on the form toISOString writes", () => {
    const next = seededRandom(16);
    for (let i = 0; i < 20_000; i++) {
      const iso = new Date(Math.floor(next() * 4_102_444_800_000)).toISOString();
      expect(epochMillis(iso)).toBe(Date.parse(iso));
    }
  });

  it("equals Date.parse on texts with fields out of range, other forms and garbage", () => {
    const fixed = [
      "2026-02-30T00:00:00.000Z", // rolled over to March by both
      "2026-04-31T23:59:59.999Z",
      "2026-01-01T24:00:00.000Z",
      "2026-01-01T23:60:00.000Z",
      "2026-01-01T23:59:60.000Z",
      "2026-13-01T00:00:00.000Z",
      "2026-00-01T00:00:00.000Z",
      "2026-01-00T00:00:00.000Z",
      "2026-01-32T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "2026-11-27T14:00:00.685+00:00",
      "2026-11-27T15:00:00.685+01:00",
      "2026-11-27T14:00:00Z",
      "2026-11-27T14:00:00.6851Z",
      "2026-11-27 14:00:00.685Z",
      "2026-1a-27T14:00:00.685Z",
      "2026-11-27T14:0 :00.685Z",
      "+02026-11-27T14:00:00.68Z",
      "",
      "not a time at all, 24 ch",
    ];
    for (const iso of fixed) expect([iso, epochMillis(iso)]).toEqual([iso, Date.parse(iso)]);
    // Random characters in every position of the fast form.
    const next = seededRandom(17);
    const alphabet = "0123456789-:.TZ+ a/";
    for (let i = 0; i < 20_000; i++) {
      const chars = "2026-11-27T14:00:00.685Z".split("");
      const at = Math.floor(next() * chars.length);
      chars[at] = alphabet[Math.floor(next() * alphabet.length)];
      const iso = chars.join("");
      expect([iso, epochMillis(iso)]).toEqual([iso, Date.parse(iso)]);
    }
  });
});

describe("canonicalTime", () => {
  it("gives one text per instant", () => {
    expect(canonicalTime("2026-11-27T14:00:00.685+00:00")).toBe("2026-11-27T14:00:00.685Z");
    expect(canonicalTime("2026-11-27T15:00:00.685+01:00")).toBe("2026-11-27T14:00:00.685Z");
    expect(canonicalTime("2026-11-27T14:00:00.685Z")).toBe("2026-11-27T14:00:00.685Z");
  });
});
