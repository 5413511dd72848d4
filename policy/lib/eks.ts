import type { Props } from "./props";
import { record, text, texts } from "./props";
import { ResourceType } from "./types";

/** The control-plane settings the EKS policies check, read from either cluster type. */
export interface EksSettings {
    /** AWS default: true. */
    readonly endpointPublicAccess: boolean;
    /** undefined = unset, which AWS treats as 0.0.0.0/0. */
    readonly publicAccessCidrs: readonly string[] | undefined;
    readonly logTypes: readonly string[];
    /** A KMS key encrypts Kubernetes secrets. */
    readonly encryptsSecrets: boolean;
}

/** aws v7 flattens encryptionConfig to one object; older state may hold a one-element list. */
function encryptsSecrets(encryptionConfig: unknown): boolean {
    const configs = Array.isArray(encryptionConfig) ? encryptionConfig : [encryptionConfig];
    return configs.some((config) => {
        const entry = record(config);
        return texts(entry.resources).includes("secrets") && (text(record(entry.provider).keyArn) ?? "") !== "";
    });
}

/**
 * Settings of an `eks:index:Cluster` (component inputs, all that is visible offline) or of the
 * `aws:eks/cluster:Cluster` it creates in a real deployment; undefined for other types. Getters: each
 * policy reads only what it checks, so the KMS key ARN, unknown in a first preview, stops only
 * eks-secrets-encryption.
 */
export function eksSettings(type: string, props: Props): EksSettings | undefined {
    if (type === ResourceType.eksComponentCluster) {
        return {
            get endpointPublicAccess() { return props.endpointPublicAccess !== false; },
            get publicAccessCidrs() { return props.publicAccessCidrs === undefined ? undefined : texts(props.publicAccessCidrs); },
            get logTypes() { return texts(props.enabledClusterLogTypes); },
            get encryptsSecrets() { return (text(props.encryptionConfigKeyArn) ?? "") !== ""; },
        };
    }
    if (type === ResourceType.eksCluster) {
        const vpcConfig = record(props.vpcConfig);
        return {
            get endpointPublicAccess() { return vpcConfig.endpointPublicAccess !== false; },
            get publicAccessCidrs() { return vpcConfig.publicAccessCidrs === undefined ? undefined : texts(vpcConfig.publicAccessCidrs); },
            get logTypes() { return texts(props.enabledClusterLogTypes); },
            get encryptsSecrets() { return encryptsSecrets(props.encryptionConfig); },
        };
    }
    return undefined;
}

/** Names a cluster in messages: a real preview reports both the component and its aws:eks child. */
export function clusterLabel(type: string, name: string): string {
    return `EKS cluster ${name} (${type})`;
}

