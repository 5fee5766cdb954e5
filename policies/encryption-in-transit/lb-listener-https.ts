import { resourcePolicy } from "../lib/policy";
import { LISTENER_TYPES } from "../lib/types";
import { isUnknown } from "../lib/values";

const SECURE = ["HTTPS", "TLS"];
const AWSX_ALB = "awsx:lb:ApplicationLoadBalancer";

type Listener = {
  protocol?: string;
  sslPolicy?: string;
  defaultActions?: { type: string; redirect?: { protocol?: string } }[];
};

/**
 * The lowest TLS 1.x minor version a predefined ELB security policy accepts, read from its name
 * (`ELBSecurityPolicy-TLS13-1-2-2021-06` → 2, `ELBSecurityPolicy-FS-1-1-2019-08` → 1); undefined
 * for names that do not say, such as `ELBSecurityPolicy-2016-08` (TLS 1.0).
 */
export function minimumTlsMinor(sslPolicy: string): number | undefined {
  const m = /^ELBSecurityPolicy-(?:TLS13-|TLS-|FS-)1-([0-3])(?:-|$)/.exec(sslPolicy);
  return m ? Number(m[1]) : undefined;
}

/** The problem with an HTTPS/TLS listener's security policy, or undefined when it needs TLS 1.2 or later. */
function tlsPolicyProblem(l: Listener): string | undefined {
  const protocol = String(l.protocol ?? "HTTP").toUpperCase();
  if (!SECURE.includes(protocol)) return undefined;
  const policy = l.sslPolicy;
  if (isUnknown(policy)) return undefined;
  // Without one, ELB applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0.
  if (!policy)
    return "Set sslPolicy to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (without one, ELB accepts TLS 1.0).";
  const minor = minimumTlsMinor(policy);
  if (minor === undefined || minor < 2)
    return `sslPolicy ${policy} accepts TLS older than 1.2: use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.`;
  return undefined;
}

/** The listeners of a listener resource, or those an awsx ApplicationLoadBalancer declares inline. */
function listenersOf(type: string, props: Record<string, unknown>): Listener[] {
  if (type !== AWSX_ALB) return [props as Listener];
  // Without `listener` or `listeners`, awsx creates one plain HTTP listener on port 80 that forwards.
  const listeners = [
    ...((props.listeners ?? []) as Listener[]),
    ...(props.listener ? [props.listener as Listener] : []),
  ];
  return listeners.length ? listeners : [{ protocol: "HTTP" }];
}

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
  description:
    "Load balancer listeners accept only HTTPS/TLS with a TLS 1.2+ security policy, or plain HTTP that only redirects to HTTPS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["ELB.1", "ELB.17", "ELB.18"],
  remediationSteps:
    "Use protocol HTTPS with a certificate and a modern sslPolicy; an HTTP listener may only have a redirect default action with protocol HTTPS.",
  resourceTypes: [...LISTENER_TYPES, AWSX_ALB],
  rules: [
    {
      id: "https-only",
      check: ({ type, props }) =>
        listenersOf(type, props)
          .map(listenerProblem)
          .find((m) => m !== undefined),
    },
    {
      id: "tls-1-2",
      check: ({ type, props }) =>
        listenersOf(type, props)
          .map(tlsPolicyProblem)
          .find((m) => m !== undefined),
    },
  ],
});
