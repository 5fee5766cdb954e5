import { resourcePolicy } from "../lib/policy";
import { LISTENER_TYPES } from "../lib/types";

const SECURE = ["HTTPS", "TLS"];
const AWSX_ALB = "awsx:lb:ApplicationLoadBalancer";

type Listener = { protocol?: string; defaultActions?: { type: string; redirect?: { protocol?: string } }[] };

/** The problem with one listener, or undefined when it is HTTPS/TLS or an HTTP listener that only redirects to HTTPS. */
function listenerProblem(l: Listener): string | undefined {
  const protocol = String(l.protocol ?? "HTTP").toUpperCase();
  if (SECURE.includes(protocol)) return undefined;
  if (protocol === "HTTP") {
    const actions = l.defaultActions ?? [];
    if (actions.length && actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS"))
      return undefined;
  }
  return `Change protocol ${protocol} to HTTPS (or make the HTTP listener only redirect to HTTPS).`;
}

export const lbListenerHttps = resourcePolicy({
  name: "lb-listener-https",
  description: "Load balancer listeners accept only HTTPS/TLS, or plain HTTP that only redirects to HTTPS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["ELB.1"],
  remediationSteps:
    "Use protocol HTTPS with a certificate and a modern sslPolicy; an HTTP listener may only have a redirect default action with protocol HTTPS.",
  resourceTypes: [...LISTENER_TYPES, AWSX_ALB],
  rules: [
    {
      id: "https-only",
      check: ({ type, props }) => {
        // awsx's ApplicationLoadBalancer declares its listeners inline (`listener` or `listeners`);
        // without either it creates one plain HTTP listener on port 80 that forwards.
        if (type === AWSX_ALB) {
          const listeners = [
            ...((props.listeners ?? []) as Listener[]),
            ...(props.listener ? [props.listener as Listener] : []),
          ];
          const problems = (listeners.length ? listeners : [{ protocol: "HTTP" }]).map(listenerProblem);
          return problems.find((m) => m !== undefined);
        }
        return listenerProblem(props as Listener);
      },
    },
  ],
});
