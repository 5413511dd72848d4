import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./allPolicies";

// Constructing the pack starts the analyzer's gRPC server: only the Pulumi CLI loads this module.
new PolicyPack("commerce-edge", { policies: [...POLICIES] });
