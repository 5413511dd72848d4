import type { ResourceValidationPolicy } from "@pulumi/policy";
import { clusterLabel, eksSettings } from "../lib/eks";

interface Config {
    readonly requiredLogTypes: readonly string[];
}

const DEFAULTS: Config = { requiredLogTypes: ["api", "audit", "authenticator"] };

/** Without audit and authenticator logs nobody can tell afterwards who did what to the cluster. */
export const eksControlPlaneLogs: ResourceValidationPolicy = {
    name: "eks-control-plane-logs",
    description: "EKS control-plane logging is on for at least api, audit and authenticator.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            requiredLogTypes: {
                type: "array",
                items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
                default: [...DEFAULTS.requiredLogTypes],
                description: "Control-plane log types that must be enabled.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const settings = eksSettings(args.type, args.props);
        if (!settings) return;
        const config: Config = { ...DEFAULTS, ...args.getConfig<Partial<Config>>() };
        const missing = config.requiredLogTypes.filter((logType) => !settings.logTypes.includes(logType));
        if (missing.length === 0) return;
        reportViolation(
            `${clusterLabel(args.type, args.name)}: control-plane logs ${missing.join(", ")} are off: ` +
                `add them to enabledClusterLogTypes (now [${settings.logTypes.join(", ")}])`,
        );
    },
};
