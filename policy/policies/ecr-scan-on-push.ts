import { ResourceValidationPolicy } from "@pulumi/policy";
import { ECR_REPOSITORY, EcrRepository } from "../lib/ecr";
import { POLICY } from "../lib/names";

/** A vulnerability found at push time is found before any stack promotes the image. */
export const ecrScanOnPush: ResourceValidationPolicy = {
    name: POLICY.ecrScanOnPush,
    description: "ECR repositories scan images on push.",
    validateResource: ({ type, props, name }, report) => {
        if (type !== ECR_REPOSITORY) return;
        if ((props as EcrRepository).imageScanningConfiguration?.scanOnPush !== true) {
            report(`${name}: images are not scanned on push; set imageScanningConfiguration.scanOnPush: true`);
        }
    },
};
