/**
 * The runner's checks before the CLI starts: the program's own check (stack/check.ts, the
 * same function index.ts calls before it registers anything, so the same input is refused
 * with the same lines), fed from the Automation API, plus what only the runner meets: the
 * CLI's own refusals, reworded to name the key and the fix.
 *
 * Why the runner checks first although the program checks too: a refused preview or up
 * then never starts (nothing is locked, no update is recorded, and reading an upstream
 * stack adds nothing to the state).
 */
import { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { CheckedStack, checkStack, StackInput } from "../../stack/check";
import { CONFIG_NAMESPACE, ConfigError } from "../../stack/config";
import { ReadStackOutputs, StackIdentity } from "../../stack/promotion";
import { renderModeFrom } from "../../stack/target";
import { imageAccess, registryAccess, supplyChainAccess } from "../../stack/registry-access";
import { outputValues } from "./outputs";

/** Every check, on STACK's config, against its workspace's project directory; throws ConfigError. Returns what was checked. */
export async function preflight(stack: Stack): Promise<CheckedStack> {
    let entries: ConfigMap;
    try {
        entries = await stack.getAllConfig();
    } catch (err) {
        throw requiredConfigError(String(err), stack.name) ?? err;
    }
    return refuseProblems({ entries, projectDir: stack.workspace.workDir, render: renderModeFrom() !== undefined, self: await stackIdentity(stack), readStackOutputs: cliStackOutputs(stack), registryAccess, imageAccess, supplyChainAccess: supplyChainAccess(stack.workspace.workDir) });
}

/**
 * The stack's fully qualified name, as the engine gives the program (pulumi.getOrganization
 * and friends). A DIY backend (file://, s3://, …) has the one organization "organization";
 * Pulumi Cloud's default is the user's own.
 */
export async function stackIdentity(stack: Stack): Promise<StackIdentity> {
    const project = (await stack.workspace.projectSettings()).name;
    const parts = stack.name.split("/");
    if (parts.length === 3) return { organization: parts[0], project: parts[1], stack: parts[2] };
    const backend = process.env.PULUMI_BACKEND_URL ?? "";
    const diy = backend !== "" && !/^https?:\/\//.test(backend);
    const organization = diy ? "organization" : (await stack.workspace.whoAmI()).user;
    return { organization, project, stack: parts[parts.length - 1] };
}

/** checkStack, every problem thrown as one ConfigError. */
export async function refuseProblems(input: StackInput): Promise<CheckedStack> {
    const check = await checkStack(input);
    if (!check.checked) throw new ConfigError(check.problems);
    return check.checked;
}

/** Reads a stack's outputs with the CLI (secrets stay masked); a failure says what the CLI said. */
export function cliStackOutputs(stack: Stack): ReadStackOutputs {
    return async (name) => {
        try {
            return outputValues(await stack.workspace.stackOutputs(name));
        } catch (err) {
            throw new Error(cliComplaint(String(err)));
        }
    };
}

/** The CLI's complaint: its last "error:" line, else the first line of what it printed. */
export function cliComplaint(output: string): string {
    const lines = output.split("\n");
    const error = [...lines].reverse().find((l) => l.startsWith("error: "));
    return error ? error.slice("error: ".length) : lines[0];
}

/**
 * Keys Pulumi.yaml declares without a default are required: the CLI refuses a stack
 * without them ("Stack 'dev' is missing configuration values 'kubernetes' and
 * 'services'"). The same refusal as a ConfigError, one line per key with its fix.
 */
export function requiredConfigError(cliError: string, stackName: string): ConfigError | undefined {
    const line = /is missing configuration values? (.*)$/m.exec(cliError)?.[1];
    if (line === undefined) return undefined;
    const keys = [...line.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    return new ConfigError(
        keys.map((key) => `${key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`}: required (Pulumi.yaml declares it without a default) and missing from stack ${stackName}; set it in Pulumi.${stackName}.yaml (see README "Configuration")`),
    );
}
