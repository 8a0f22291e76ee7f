import { PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { Container, containersOf, isWindows, PodSpec, podSpecOf } from "./workloads";

/** What a pod policy's check gets: the pod spec, a reporter, and the policy's config. */
export interface PodCheck {
    spec: PodSpec;
    /** Reports one violation of the resource being checked. */
    report: (message: string) => void;
    args: ResourceValidationArgs;
}

export interface PodPolicyArgs {
    name: string;
    description: string;
    /** Windows pods are exempt (the field is Linux-only: the API server rejects it there). */
    linuxOnly?: boolean;
    configSchema?: PolicyConfigSchema;
    check: (c: PodCheck) => void;
}

/** A resource policy on every workload that runs pods (workloads.ts); other resources pass. */
export function podPolicy(p: PodPolicyArgs): ResourceValidationPolicy {
    return {
        name: p.name,
        description: p.description,
        configSchema: p.configSchema,
        validateResource: (args, reportViolation) => {
            const spec = podSpecOf(args.type, args.props);
            if (spec === undefined) return;
            if (p.linuxOnly && isWindows(spec)) args.notApplicable("Windows pod (spec.os.name: windows): the field is Linux-only");
            p.check({ spec, args, report: (message) => reportViolation(`${args.name}: ${message}`) });
        },
    };
}

/** `container "NAME"`, for messages. */
export function label(c: Container): string {
    return `container "${c.name}"`;
}

export { containersOf };
