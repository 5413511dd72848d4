import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ANNOTATION_PREFIX, IngressKey } from "../../components/haproxy/keys";
import { haproxyIngressOf, haproxyKey } from "../lib/ingress";

interface Config {
    /** Require waf-mode deny (block) rather than detect (log only). */
    readonly requireDenyMode: boolean;
}

const DEFAULTS: Config = { requireDenyMode: false };
const WAF_ENGINE = "modsecurity";
const DENY = "deny";

/** HTTP Ingresses go through ModSecurity; tcp-service-port Ingresses are skipped (haproxy-ingress ignores WAF there). */
export const ingressWafModsecurity: ResourceValidationPolicy = {
    name: "ingress-waf-modsecurity",
    description: "HTTP Ingresses of class haproxy set waf: modsecurity (and waf-mode: deny where the config requires it).",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            requireDenyMode: {
                type: "boolean",
                default: DEFAULTS.requireDenyMode,
                description: "Require waf-mode: deny on the Ingress (detect only logs attacks).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const ingress = haproxyIngressOf(args);
        if (!ingress || ingress.isTcp) return;
        const config: Config = { ...DEFAULTS, ...args.getConfig<Partial<Config>>() };
        const waf = haproxyKey(ingress.annotations, IngressKey.waf);
        if (waf?.value !== WAF_ENGINE) {
            const found = waf ? `${waf.annotation}: "${waf.value}"` : "no waf annotation";
            reportViolation(`Ingress ${ingress.ref} is not behind the WAF (${found}): set ${ANNOTATION_PREFIX}${IngressKey.waf}: ${WAF_ENGINE}`);
            return;
        }
        const mode = haproxyKey(ingress.annotations, IngressKey.wafMode);
        if (config.requireDenyMode && mode?.value !== DENY) {
            const found = mode ? `${mode.annotation} is "${mode.value}"` : "waf-mode is not set on the Ingress, so the ConfigMap default applies";
            reportViolation(`Ingress ${ingress.ref} does not block attacks (${found}): set ${ANNOTATION_PREFIX}${IngressKey.wafMode}: ${DENY}`);
        }
    },
};
