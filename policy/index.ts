/**
 * goship's CrossGuard pack: one policy per file under policies/, names and config in
 * lib/names.ts. Enforcement comes from the policy-pack config the runner writes per stack
 * (tools/local/policy.ts, from goship:policy): advisory unless the config says mandatory.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./lib/names";
import { policies } from "./policies";

new PolicyPack(PACK_NAME, { enforcementLevel: "advisory", policies });
