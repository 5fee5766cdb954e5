import { minimumTlsMinor } from "./lb-listener-https";

describe("ELB security policy names", () => {
  it.each([
    ["ELBSecurityPolicy-TLS13-1-2-2021-06", 2],
    ["ELBSecurityPolicy-TLS13-1-3-2021-06", 3],
    ["ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", 2],
    ["ELBSecurityPolicy-TLS-1-2-Ext-2018-06", 2],
    ["ELBSecurityPolicy-FS-1-2-Res-2020-10", 2],
    ["ELBSecurityPolicy-TLS13-1-0-2021-06", 0],
    ["ELBSecurityPolicy-TLS-1-1-2017-01", 1],
    ["ELBSecurityPolicy-FS-1-1-2019-08", 1],
  ])("reads the lowest TLS version %s accepts", (name, minor) => {
    expect(minimumTlsMinor(name)).toBe(minor);
  });

  it.each([
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-2015-05",
    "custom",
  ])("says nothing for %s, whose name does not give a TLS 1.2 floor", (name) => {
    expect(minimumTlsMinor(name)).toBeUndefined();
  });
});
