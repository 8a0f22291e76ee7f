import { OutputMap } from "@pulumi/pulumi/automation";

/** Stack outputs as their values (secrets as the Automation API returns them). */
export function outputValues(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
}
