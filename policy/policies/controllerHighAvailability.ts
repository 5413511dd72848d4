import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { Props } from "../lib/props";
import { list, record, stringMap, text, texts } from "../lib/props";
import type { ControllerConfig } from "../lib/stack";
import { CONTROLLER_DEFAULTS, CONTROLLER_SCHEMA, findObject, ofType } from "../lib/stack";
import { ResourceType } from "../lib/types";

interface Config extends ControllerConfig {
    readonly minReplicas: number;
}

const DEFAULTS: Config = { ...CONTROLLER_DEFAULTS, minReplicas: 2 };

/** Label-selector semantics of policy/v1: an empty selector selects every pod of the namespace. */
function selects(selector: Props, labels: Readonly<Record<string, string>>): boolean {
    const has = (key: string): boolean => Object.hasOwn(labels, key);
    const matchLabels = Object.entries(stringMap(selector.matchLabels)).every(([key, value]) => has(key) && labels[key] === value);
    const matchExpressions = list(selector.matchExpressions).map(record).every((expression) => {
        const key = text(expression.key) ?? "";
        const values = texts(expression.values);
        switch (text(expression.operator)) {
            case "In":
                return has(key) && values.includes(labels[key]);
            case "NotIn":
                return !has(key) || !values.includes(labels[key]);
            case "Exists":
                return has(key);
            case "DoesNotExist":
                return !has(key);
            default:
                return false;
        }
    });
    return matchLabels && matchExpressions;
}

function selectsController(pdb: PolicyResource, namespace: string, podLabels: Readonly<Record<string, string>>): boolean {
    const metadata = record(pdb.props.metadata);
    const selector = record(pdb.props.spec).selector;
    // A null or missing selector selects no pods in policy/v1.
    return (text(metadata.namespace) ?? "default") === namespace && selector !== undefined && selector !== null && selects(record(selector), podLabels);
}

/** One controller pod is one node drain or AZ loss away from taking every route down. */
export const controllerHighAvailability: StackValidationPolicy = {
    name: "controller-high-availability",
    description: "The haproxy-ingress controller Deployment runs at least 2 replicas and a PodDisruptionBudget selects its pods.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            ...CONTROLLER_SCHEMA,
            minReplicas: { type: "integer", minimum: 1, default: DEFAULTS.minReplicas, description: "Fewest controller replicas." },
        },
    },
    validateStack: (args, reportViolation) => {
        const config: Config = { ...DEFAULTS, ...args.getConfig<Partial<Config>>() };
        const deployment = findObject(args.resources, ResourceType.deployment, config.controllerDeployment);
        if (deployment === undefined) {
            reportViolation(
                `The controller Deployment ${config.controllerDeployment} is not in the stack: ` +
                    "deploy haproxy-ingress, or set controllerDeployment in this policy's config",
            );
            return;
        }
        const spec = record(deployment.props.spec);
        const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
        if (replicas < config.minReplicas) {
            reportViolation(
                `Controller Deployment ${config.controllerDeployment} runs ${replicas} replica(s): run at least ${config.minReplicas}, spread over zones`,
                deployment.urn,
            );
        }
        const namespace = config.controllerDeployment.split("/")[0] ?? "default";
        const podLabels = stringMap(record(record(spec.template).metadata).labels);
        if (!ofType(args.resources, ResourceType.podDisruptionBudget).some((pdb) => selectsController(pdb, namespace, podLabels))) {
            reportViolation(
                `No PodDisruptionBudget selects the controller pods of ${config.controllerDeployment}: ` +
                    "add one (e.g. maxUnavailable: 1) so node drains keep a replica serving",
                deployment.urn,
            );
        }
    },
};
