import { Policies } from "@pulumi/policy";
import { containerCapabilitiesDropped } from "./capabilities";
import { ecrImmutableTags } from "./ecr-immutable-tags";
import { ecrScanOnPush } from "./ecr-scan-on-push";
import { noHostPath } from "./host-path";
import { imagePinnedByDigest } from "./image-digest";
import { imageNoLatestTag } from "./image-no-latest";
import { imageRegistryAllowed } from "./image-registry";
import { containerNoPrivilegeEscalation } from "./no-privilege-escalation";
import { podRunsAsNonRoot } from "./non-root";
import { pdbForReplicatedDeployment } from "./pdb";
import { containerProbes } from "./probes";
import { productionMinReplicas } from "./production-replicas";
import { productionTopologySpread } from "./production-spread";
import { promotedDigestMatchesUpstream } from "./promoted-digest";
import { containerReadOnlyRoot } from "./read-only-root";
import { containerResources } from "./resources";
import { podSeccompRuntimeDefault } from "./seccomp";

/** Every policy of the pack, in the order reports list them. */
export const policies: Policies = [
    imagePinnedByDigest,
    imageRegistryAllowed,
    imageNoLatestTag,
    containerResources,
    containerProbes,
    podRunsAsNonRoot,
    containerReadOnlyRoot,
    containerNoPrivilegeEscalation,
    containerCapabilitiesDropped,
    podSeccompRuntimeDefault,
    noHostPath,
    pdbForReplicatedDeployment,
    productionMinReplicas,
    productionTopologySpread,
    ecrScanOnPush,
    ecrImmutableTags,
    promotedDigestMatchesUpstream,
];
