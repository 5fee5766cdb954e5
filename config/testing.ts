import { ConfigError, resolvePlatformConfig } from ".";

/** The smallest valid platform config in every environment (prod's EMR cluster needs its TLS bundle). */
export const BASE_CONFIG = {
  owner: "data-team",
  costCenter: "cc-1",
  accountId: "210987654321",
  batch: { emrTlsCertificatesS3Uri: "s3://pki-bucket/emr/certs.zip" },
};

/** The message a user sees for `raw` on stack `stack`; throws when the config is accepted. */
export function configErrorFor(raw: Record<string, unknown>, stack = "dev"): string {
  try {
    resolvePlatformConfig(raw, stack);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.message;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(raw)}`);
}
