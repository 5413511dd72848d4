import type { ResourceValidationPolicy } from "@pulumi/policy";
import { INGRESS_CLASS } from "../../components/haproxy/keys";
import { INGRESS_CLASS_ANNOTATION, ingressView } from "../lib/ingress";
import { ResourceType } from "../lib/types";

/** haproxy-ingress runs with --watch-ingress-without-class=false: an Ingress without a class is never served. */
export const ingressClassSet: ResourceValidationPolicy = {
    name: "ingress-class-set",
    description: "Every Ingress names its ingress class (spec.ingressClassName or the kubernetes.io/ingress.class annotation).",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.ingress) return;
        const ingress = ingressView(args.props);
        if (ingress.className !== undefined && ingress.className !== "") return;
        reportViolation(
            `Ingress ${ingress.ref} has no ingress class: no controller serves it and Pulumi waits for its status forever; ` +
                `set spec.ingressClassName: ${INGRESS_CLASS} (or the ${INGRESS_CLASS_ANNOTATION} annotation)`,
        );
    },
};
