import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedResource } from "./mockEngine";
import type { Plan } from "./plan";
import { PROJECT_ROOT, readStackFile } from "./stackFile";

/**
 * The base side of `npm run diff`: the base commit checked out in a temporary `git worktree`, planned
 * in this process by importing the base's own harness/plan.ts. The worktree links this working tree's
 * node_modules, so both plans share one load of the Pulumi SDKs (the bulk of a plan's time) and the
 * base is planned with the working tree's dependencies; the diff says so when package-lock.json differs.
 * It links the working tree's `.offline-secrets.<stack>.yaml` too (git-ignored, so never in a commit): both
 * sides plan with the same secret values, and a secret shows as changed only when the config changes it.
 * A base without harness/plan.ts (older than the offline plan) cannot be planned: the diff is then
 * against an empty plan.
 */

export interface BaseCheckout {
    readonly dir: string;
    readonly sha: string;
    /** Removes the worktree. */
    readonly remove: () => void;
}

function git(args: readonly string[], root: string): string {
    return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export function checkoutBase(ref: string, root: string = PROJECT_ROOT): BaseCheckout {
    let sha: string;
    try {
        sha = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
    } catch {
        throw new Error(`--base ${ref}: not a commit of this repository (fetch it first, e.g. git fetch origin ${ref})`);
    }
    const parent = mkdtempSync(join(tmpdir(), "commerce-edge-base-"));
    const dir = join(parent, "base");
    git(["worktree", "add", "--detach", "--quiet", dir, sha], root);
    const remove = (): void => {
        try {
            git(["worktree", "remove", "--force", dir], root);
        } finally {
            rmSync(parent, { recursive: true, force: true });
        }
    };
    try {
        for (const modules of ["node_modules", join("policy", "node_modules")]) {
            if (existsSync(join(root, modules)) && existsSync(join(dir, modules, ".."))) symlinkSync(join(root, modules), join(dir, modules), "dir");
        }
        // Linked, not copied: the plaintext stays in one file.
        for (const secrets of readdirSync(root).filter((file) => /^\.offline-secrets\..+\.yaml$/.test(file))) {
            rmSync(join(dir, secrets), { force: true });
            symlinkSync(join(root, secrets), join(dir, secrets), "file");
        }
    } catch (error) {
        remove();
        throw error;
    }
    return { dir, sha, remove };
}

type PlanStack = (stack: string) => Promise<Plan>;

/**
 * Runs `load` with tsx loading TypeScript, as under `node --import tsx`. This process may run from a bundle
 * (scripts/runBundled.js), which has no TypeScript loader: tsx is then registered while the base loads and
 * plans, with source maps left off (the diff prints a failing base's message, not its stack).
 */
async function withTypeScript<T>(load: () => Promise<T>): Promise<T> {
    if (__filename.endsWith(".ts")) return load();
    // tsx's require and import hooks (its documented Node.js API); their types need a newer moduleResolution.
    const apis = await Promise.all(["tsx/cjs/api", "tsx/esm/api"].map((api) => import(api) as Promise<{ register(): () => unknown }>));
    const unregister = apis.map((api) => api.register());
    process.setSourceMapsEnabled(false);
    try {
        return await load();
    } finally {
        for (const done of unregister) await done();
    }
}

/** Plans `stack` with the base's own harness, in this process. */
export async function planBase(dir: string, stack: string): Promise<Plan> {
    const harness = join(dir, "harness", "plan.ts");
    if (!existsSync(harness)) throw new Error("the base has no harness/plan.ts (it predates the offline plan)");
    const plan = await withTypeScript(async () => {
        // Imported after tsx registered at run time, the CommonJS module's exports show as `default` only.
        const loaded = (await import(harness)) as { planStack?: PlanStack; default?: { planStack?: PlanStack } };
        const planStack = loaded.planStack ?? loaded.default?.planStack;
        if (typeof planStack !== "function") throw new Error("the base's harness/plan.ts exports no planStack");
        return planStack(stack);
    });
    // Older harnesses record fewer fields: fill what the diff reads.
    const resources = plan.run.resources.map((resource): RecordedResource => ({
        ...resource,
        propertyDependencies: resource.propertyDependencies ?? {},
        id: resource.id ?? "",
        computed: resource.computed ?? {},
    }));
    return { ...plan, run: { ...plan.run, resources } };
}

export interface ChangedSecret {
    /** Full key, e.g. `commerce-edge:activemqAdminPassword`. */
    readonly key: string;
    /** Both sides planned it with the same value (from `.offline-secrets.<stack>.yaml`): its consumers show no change. */
    readonly sameValueInPlans: boolean;
}

/**
 * The secrets whose ciphertext differs between the stack files of two checkouts, read as the plan reads them: a key
 * respelt (`activemqAdminPassword` ↔ `commerce-edge:activemqAdminPassword`) with the same ciphertext is unchanged.
 * Throws StackFileError when either file is not a valid stack file.
 */
export function changedSecrets(stack: string, baseRoot: string, headRoot: string = PROJECT_ROOT): ChangedSecret[] {
    const before = readStackFile(stack, baseRoot);
    const after = readStackFile(stack, headRoot);
    return [...new Set([...Object.keys(before.ciphertexts), ...Object.keys(after.ciphertexts)])]
        .filter((key) => before.ciphertexts[key] !== after.ciphertexts[key])
        .sort()
        .map((key) => ({ key, sameValueInPlans: before.config[key] === after.config[key] }));
}

/** Whether two checkouts' package-lock.json differ. */
export function lockfilesDiffer(baseRoot: string, headRoot: string = PROJECT_ROOT): boolean {
    const read = (root: string): string => (existsSync(join(root, "package-lock.json")) ? readFileSync(join(root, "package-lock.json"), "utf8") : "");
    return read(baseRoot) !== read(headRoot);
}
