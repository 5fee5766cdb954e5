import { resourcePolicy } from "../lib/policy";
import { LISTENER_TYPES } from "../lib/types";

const SECURE = ["HTTPS", "TLS"];

export const lbListenerHttps = resourcePolicy({
  name: "lb-listener-https",
  description: "Load balancer listeners accept only HTTPS/TLS, or plain HTTP that only redirects to HTTPS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["ELB.1"],
  remediationSteps:
    "Use protocol HTTPS with a certificate and a modern sslPolicy; an HTTP listener may only have a redirect default action with protocol HTTPS.",
  resourceTypes: LISTENER_TYPES,
  rules: [
    {
      id: "https-only",
      check: ({ props }) => {
        const protocol = String(props.protocol ?? "HTTP").toUpperCase();
        if (SECURE.includes(protocol)) return undefined;
        if (protocol === "HTTP") {
          const actions = (props.defaultActions ?? []) as {
            type: string;
            redirect?: { protocol?: string };
          }[];
          if (
            actions.length &&
            actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS")
          )
            return undefined;
        }
        return `Change protocol ${protocol} to HTTPS (or make the HTTP listener only redirect to HTTPS).`;
      },
    },
  ],
});
