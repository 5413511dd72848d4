import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { normaliseHost } from "../lib/ingress";
import { list, record, text } from "../lib/props";
import { haproxyIngresses, networkLoadBalancers, ofType } from "../lib/stack";
import { ResourceType } from "../lib/types";

/** Route53 shows ELB alias targets with or without the `dualstack.` prefix. */
function aliasTarget(name: string): string {
    return normaliseHost(name).replace(/^dualstack\./, "");
}

/**
 * An alias of the NLB: its alias target depends on the NLB (all a preview knows before the NLB
 * exists) or names the NLB's DNS name once that is known.
 */
function aliasesNlb(dnsRecord: PolicyResource, nlbs: readonly PolicyResource[]): boolean {
    const aliases = list(dnsRecord.props.aliases).map(record);
    if (aliases.length === 0) return false;
    const nlbUrns = new Set(nlbs.map((nlb) => nlb.urn));
    if (dnsRecord.dependencies.some((dependency) => nlbUrns.has(dependency.urn))) return true;
    // Names are read only now: in a first preview they are unknown, and the dependency has already answered.
    const nlbNames = new Set(nlbs.map((nlb) => aliasTarget(text(nlb.props.dnsName) ?? "")).filter((name) => name !== ""));
    return aliases.some((alias) => nlbNames.has(aliasTarget(text(alias.name) ?? "")));
}

/** A route without a DNS name (or with one pointing elsewhere) is deployed but unreachable. */
export const ingressHostsHaveDns: StackValidationPolicy = {
    name: "ingress-hosts-have-dns",
    description: "Every host of an Ingress of class haproxy has a Route53 record of that name aliasing the NLB.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args, reportViolation) => {
        const nlbs = networkLoadBalancers(args.resources);
        const dnsRecords = ofType(args.resources, ResourceType.route53Record);
        for (const { resource, ingress } of haproxyIngresses(args.resources)) {
            for (const host of ingress.ruleHosts) {
                const named = dnsRecords.filter((dnsRecord) => normaliseHost(text(dnsRecord.props.name) ?? "") === normaliseHost(host));
                if (named.length === 0) {
                    reportViolation(
                        `Ingress ${ingress.ref}: host ${host} has no Route53 record: add an alias A record named ${host} ` +
                            "pointing at the NLB (dnsName and the NLB's own zoneId)",
                        resource.urn,
                    );
                } else if (!named.some((dnsRecord) => aliasesNlb(dnsRecord, nlbs))) {
                    reportViolation(
                        `Ingress ${ingress.ref}: the Route53 record ${host} does not alias the NLB: ` +
                            "set aliases to the NLB's dnsName and zoneId",
                        resource.urn,
                    );
                }
            }
        }
    },
};
