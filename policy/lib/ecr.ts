/** The fields of an `aws:ecr/repository:Repository` the ECR policies read. */
export interface EcrRepository {
    name?: string;
    imageScanningConfiguration?: { scanOnPush?: boolean };
    imageTagMutability?: string;
    imageTagMutabilityExclusionFilters?: { filter: string; filterType: string }[];
}

export const ECR_REPOSITORY = "aws:ecr/repository:Repository";
