import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { controllerHighAvailability } from "./policies/controllerHighAvailability";
import { eksControlPlaneLogs } from "./policies/eksControlPlaneLogs";
import { eksEndpointNotWorldOpen } from "./policies/eksEndpointNotWorldOpen";
import { eksSecretsEncryption } from "./policies/eksSecretsEncryption";
import { ingressAnnotationsEffective } from "./policies/ingressAnnotationsEffective";
import { ingressClassSet } from "./policies/ingressClassSet";
import { ingressHostsHaveDns } from "./policies/ingressHostsHaveDns";
import { ingressNoWildcardHost } from "./policies/ingressNoWildcardHost";
import { ingressSourceAllowlist } from "./policies/ingressSourceAllowlist";
import { ingressTlsCoversHosts } from "./policies/ingressTlsCoversHosts";
import { ingressWafModsecurity } from "./policies/ingressWafModsecurity";
import { nlbCrossZone } from "./policies/nlbCrossZone";
import { nlbHealthCheckOffProxyPort } from "./policies/nlbHealthCheckOffProxyPort";
import { proxyProtocolConsistent } from "./policies/proxyProtocolConsistent";
import { wafHasModsecurityEndpoints } from "./policies/wafHasModsecurityEndpoints";

/** Every policy of the pack, in report order: the one list both the pack (index.ts) and offline.ts run. */
export const POLICIES: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ingressClassSet,
    ingressWafModsecurity,
    ingressSourceAllowlist,
    ingressTlsCoversHosts,
    ingressNoWildcardHost,
    ingressAnnotationsEffective,
    proxyProtocolConsistent,
    ingressHostsHaveDns,
    wafHasModsecurityEndpoints,
    controllerHighAvailability,
    eksEndpointNotWorldOpen,
    eksControlPlaneLogs,
    eksSecretsEncryption,
    nlbCrossZone,
    nlbHealthCheckOffProxyPort,
];
