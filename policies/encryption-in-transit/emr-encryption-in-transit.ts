import { emrSecurityConfiguration } from "../encryption-at-rest/emr-encryption-at-rest";
import { resourcePolicy } from "../lib/policy";

export const emrEncryptionInTransit = resourcePolicy({
  name: "emr-encryption-in-transit",
  description: "EMR security configurations encrypt traffic between nodes with TLS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["EMR.4"],
  remediationSteps:
    "Set EncryptionConfiguration.EnableInTransitEncryption to true with an InTransitEncryptionConfiguration.TLSCertificateConfiguration in the security configuration JSON.",
  resourceTypes: ["aws:emr/securityConfiguration:SecurityConfiguration"],
  rules: [
    {
      id: "in-transit",
      check: ({ props }) => {
        const c = emrSecurityConfiguration(props).EncryptionConfiguration;
        return c?.EnableInTransitEncryption === true && c.InTransitEncryptionConfiguration
          ? undefined
          : "Set EnableInTransitEncryption to true and add InTransitEncryptionConfiguration with a TLS certificate provider.";
      },
    },
  ],
});
