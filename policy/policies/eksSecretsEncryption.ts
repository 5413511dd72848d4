import type { ResourceValidationPolicy } from "@pulumi/policy";
import { clusterLabel, eksSettings } from "../lib/eks";

/** Envelope encryption with a KMS key keeps TLS keys and broker passwords unreadable in etcd backups. */
export const eksSecretsEncryption: ResourceValidationPolicy = {
    name: "eks-secrets-encryption",
    description: "EKS encrypts Kubernetes secrets with a KMS key (encryptionConfigKeyArn / encryptionConfig for secrets).",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        const settings = eksSettings(args.type, args.props);
        if (!settings || settings.encryptsSecrets) return;
        reportViolation(
            `${clusterLabel(args.type, args.name)}: Kubernetes secrets are not encrypted with a KMS key: ` +
                "set encryptionConfigKeyArn (eks.Cluster) or encryptionConfig { resources: [secrets], provider.keyArn }",
        );
    },
};
