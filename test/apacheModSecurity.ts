import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTcpServer, connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WafConfigFile } from "../components/haproxy/wafConfig";

/**
 * A real ModSecurity v2 engine with the OWASP CRS for tests: Debian's Apache and mod_security2
 * (libapache2-mod-security2) in front of a recording backend, on 127.0.0.1, with a throwaway config
 * directory. It loads the given files in order, as the agent's start.sh includes them.
 */

const APACHE = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";
const REQUIRED_MODULES = ["mod_mpm_event.so", "mod_authz_core.so", "mod_unique_id.so", "mod_proxy.so", "mod_proxy_http.so", "mod_security2.so"];
/** Debian's modsecurity-crs package; WAF_TEST_CRS_RULES_DIR points the test at another CRS release's rules/. */
export const CRS_RULES_DIR = process.env.WAF_TEST_CRS_RULES_DIR ?? "/usr/share/modsecurity-crs/rules";
const INSTALL_HINT = "run sudo bash .ci/install-waf-engine (Debian/Ubuntu: apache2, libapache2-mod-security2, modsecurity-crs)";

/** Fails (never skips) when the engine or the CRS is missing, saying what to install. */
export function assertEngineInstalled(): void {
    const missing = [APACHE, ...REQUIRED_MODULES.map((module) => join(MODULES, module)), join(CRS_RULES_DIR, "REQUEST-901-INITIALIZATION.conf")].filter((path) => !existsSync(path));
    if (missing.length > 0) throw new Error(`the ModSecurity test needs ${missing.join(", ")}: ${INSTALL_HINT}`);
}

/** The CRS release of a rules directory, from the `ver:'OWASP_CRS/x.y.z'` tags of its rules. */
export function crsVersionOf(rulesDir: string): string {
    const match = /ver:'OWASP_CRS\/([0-9]+\.[0-9]+\.[0-9]+)'/.exec(readFileSync(join(rulesDir, "REQUEST-901-INITIALIZATION.conf"), "utf8"));
    if (!match) throw new Error(`no OWASP_CRS version tag in ${rulesDir}/REQUEST-901-INITIALIZATION.conf`);
    return match[1]!;
}

export interface RecordedRequest {
    readonly method: string;
    readonly url: string;
    readonly host: string;
    readonly body: string;
}

export interface Response {
    readonly status: number;
    readonly body: string;
}

export interface SendOptions {
    readonly host: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
}

async function freePort(): Promise<number> {
    const server = createTcpServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => { socket.destroy(); resolve(true); });
        socket.once("error", () => resolve(false));
    });
}

export class ModSecurityServer {
    private constructor(
        private readonly directory: string,
        private readonly port: number,
        private readonly apache: ChildProcess,
        private readonly backend: Server,
        /** Requests that got through ModSecurity to the backend. */
        readonly forwarded: RecordedRequest[],
    ) {}

    /** Starts Apache with `files` included in order, proxying what ModSecurity lets through to a backend that answers 200. */
    static async start(files: readonly WafConfigFile[]): Promise<ModSecurityServer> {
        assertEngineInstalled();
        const directory = mkdtempSync(join(tmpdir(), "waf-modsecurity-"));
        const forwarded: RecordedRequest[] = [];
        const backend = createHttpServer((req, res) => {
            let body = "";
            req.on("data", (chunk: Buffer) => { body += chunk.toString("utf8"); });
            req.on("end", () => {
                forwarded.push({ method: req.method ?? "", url: req.url ?? "", host: req.headers.host ?? "", body });
                res.writeHead(200, { "content-type": "application/json" }).end("{}");
            });
        });
        await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
        const backendPort = (backend.address() as AddressInfo).port;
        const port = await freePort();
        for (const file of files) writeFileSync(join(directory, file.name), file.content);
        const module = (name: string, file: string): string => `LoadModule ${name} ${join(MODULES, file)}`;
        writeFileSync(join(directory, "httpd.conf"), [
            `ServerRoot ${directory}`,
            "ServerName 127.0.0.1",
            `DefaultRuntimeDir ${directory}`,
            `PidFile ${join(directory, "httpd.pid")}`,
            `Listen 127.0.0.1:${port}`,
            module("mpm_event_module", "mod_mpm_event.so"),
            module("authz_core_module", "mod_authz_core.so"),
            module("unique_id_module", "mod_unique_id.so"),
            module("proxy_module", "mod_proxy.so"),
            module("proxy_http_module", "mod_proxy_http.so"),
            module("security2_module", "mod_security2.so"),
            // Started as root (CI), Apache serves from an unprivileged user; otherwise these are ignored.
            "User www-data",
            "Group www-data",
            "StartServers 1",
            "ServerLimit 1",
            "ThreadsPerChild 4",
            "MinSpareThreads 1",
            "MaxSpareThreads 4",
            "MaxRequestWorkers 4",
            `ErrorLog ${join(directory, "error.log")}`,
            "LogLevel warn",
            ...files.map((file) => `Include ${join(directory, file.name)}`),
            `ProxyPass / http://127.0.0.1:${backendPort}/`,
            "",
        ].join("\n"));
        const apache = spawn(APACHE, ["-f", join(directory, "httpd.conf"), "-DFOREGROUND"], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        apache.stderr!.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
        const server = new ModSecurityServer(directory, port, apache, backend, forwarded);
        const deadline = Date.now() + 15_000;
        while (!(await accepts(port))) {
            if (apache.exitCode !== null || Date.now() > deadline) {
                const log = server.errorLog();
                await server.stop();
                throw new Error(`Apache with ModSecurity did not start (exit ${String(apache.exitCode)}):\n${stderr}${log}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return server;
    }

    errorLog(): string {
        const path = join(this.directory, "error.log");
        return existsSync(path) ? readFileSync(path, "utf8") : "";
    }

    /** Rule ids ModSecurity logged for requests to `uri` (its [uri "..."] field, the path without the query). */
    ruleIdsFor(uri: string): number[] {
        return this.errorLog()
            .split("\n")
            .filter((line) => line.includes(`[uri "${uri}"]`))
            .flatMap((line) => [...line.matchAll(/\[id "([0-9]+)"\]/g)].map((match) => Number(match[1])));
    }

    send(method: string, path: string, options: SendOptions): Promise<Response> {
        const headers: IncomingHttpHeaders = { host: options.host, ...options.headers };
        if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
        return new Promise((resolve, reject) => {
            const req = request({ host: "127.0.0.1", port: this.port, method, path, headers }, (res) => {
                let body = "";
                res.on("data", (chunk: Buffer) => { body += chunk.toString("utf8"); });
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on("error", reject);
            req.end(options.body);
        });
    }

    async stop(): Promise<void> {
        if (this.apache.exitCode === null && this.apache.signalCode === null) {
            const exited = new Promise((resolve) => this.apache.once("exit", resolve));
            this.apache.kill("SIGTERM");
            await exited;
        }
        this.backend.closeAllConnections();
        await new Promise<void>((resolve) => this.backend.close(() => resolve()));
        rmSync(this.directory, { recursive: true, force: true });
    }
}
