/**
 * Runs a policy the way CrossGuard's server does (server.ts: validateResource /
 * validateStack with a reportViolation, getConfig and notApplicable), on plain props.
 */
import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

export interface Outcome {
    violations: string[];
    /** The reason given to notApplicable, when the policy declared itself not applicable. */
    notApplicable?: string;
}

class NotApplicable extends Error {}

function common(config: object) {
    return {
        stackTags: new Map<string, string>(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason ?? "");
        },
    };
}

async function outcome(run: (report: (m: string) => void) => unknown): Promise<Outcome> {
    const violations: string[] = [];
    try {
        await run((m) => violations.push(m));
    } catch (e) {
        if (e instanceof NotApplicable) return { violations, notApplicable: e.message };
        throw e;
    }
    return { violations };
}

const opts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

export interface TestResource {
    type: string;
    props: object;
    name?: string;
}

function resourceArgs(r: TestResource) {
    const name = r.name ?? "hello";
    return {
        type: r.type,
        props: r.props as Record<string, unknown>,
        urn: `urn:pulumi:test::goship::${r.type}::${name}`,
        name,
        opts,
        isType: () => false,
        asType: () => undefined,
    };
}

export function runResource(policy: ResourceValidationPolicy, r: TestResource, config: object = {}): Promise<Outcome> {
    const args = { ...resourceArgs(r), ...common(config) } as unknown as ResourceValidationArgs;
    const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    return outcome(async (report) => {
        for (const v of validations) await v(args, report);
    });
}

export function runStack(policy: StackValidationPolicy, resources: TestResource[], config: object = {}): Promise<Outcome> {
    const args = {
        resources: resources.map((r) => ({ ...resourceArgs(r), dependencies: [], propertyDependencies: {} }) as unknown as PolicyResource),
        ...common(config),
    } as unknown as StackValidationArgs;
    return outcome((report) => policy.validateStack(args, report));
}
