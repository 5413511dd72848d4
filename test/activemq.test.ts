import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseLines } from "dot-properties";
import fc from "fast-check";
import { activemqBrokerXml, activemqCredentialFiles, activemqStatefulSetSpec, propertiesEntry } from "../components/routes/workloadManifests";
import { validateStackConfig } from "../config/validate";
import { problemsOf, raw, validValues } from "./fixtures";

describe("ActiveMQ realm files", () => {
    it("escape any key and password so that a .properties reader gets them back, in ASCII (what Properties.load reads as ISO-8859-1)", () => {
        fc.assert(fc.property(fc.string({ unit: "binary", minLength: 1 }), fc.string({ unit: "binary" }), (key, value) => {
            const line = propertiesEntry(key, value);
            assert.match(line, /^[\x20-\x7e]*$/);
            assert.deepEqual(parseLines(line), [[key, value]]);
        }));
    });

    it("escape what the image's entrypoint sed could not take, and what .properties syntax would misread", () => {
        assert.equal(propertiesEntry("admin", " s/p a&c=e:#!\\"), "admin=\\ s/p a&c\\=e\\:\\#\\!\\\\");
    });

    it("give the admin the console's admins group and the broker client no console group", () => {
        const files = activemqCredentialFiles({ admin: { name: "admin", password: "a/b c&d" }, broker: { name: "broker", password: "x=y" } });
        assert.deepEqual(parse(files["users.properties"]), { admin: "a/b c&d", broker: "x=y" });
        assert.deepEqual(parse(files["groups.properties"]), { admins: "admin", clients: "broker" });
    });

    it("log the console's JMS connection in as a user of the realm, with that user's password", () => {
        fc.assert(fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (adminPassword, brokerPassword) => {
            const files = activemqCredentialFiles({ admin: { name: "admin", password: adminPassword }, broker: { name: "broker", password: brokerPassword } });
            const console = parse(files["credentials.properties"]) as Record<string, string>;
            const users = parse(files["users.properties"]) as Record<string, string>;
            assert.deepEqual(Object.keys(console).sort(), ["activemq.password", "activemq.username"]);
            assert.equal(console["activemq.username"], "broker");
            assert.equal(users[console["activemq.username"]!], console["activemq.password"]);
        }));
    });

    it("refuse a broker password with \"${\", which the console's Spring placeholder would expand, without echoing it [rule activemq-passwords]", () => {
        const problems = problemsOf((v) => { v.activemqBrokerPassword = "broker-${activemq.username}"; });
        assert.equal(problems,
            "  activemqBrokerPassword: contains \"${\", which the web console's Spring configuration would expand as a placeholder in the password it connects to the broker with (any other characters: \"$\" not followed by \"{\")");
        assert.ok(!problems.includes("broker-${activemq.username}"));
        const values = { ...validValues(), activemqBrokerPassword: "broker-$pass{word}", activemqAdminPassword: "admin-${not-the-broker}" };
        assert.ok(validateStackConfig(raw(values)).ok, "\"$\" and \"{\" apart, and the admin password, which only the realm reads");
    });
});

describe("ActiveMQ broker", () => {
    const xml = activemqBrokerXml();
    const spec = activemqStatefulSetSpec({ image: "apache/activemq-classic:6.1.7", configMapName: "activemq-config", credentialsSecretName: "activemq-credentials", configChecksum: "c0ffee", credentialsVersion: "42" }) as any;
    const pod = spec.template.spec;
    const container = pod.containers[0];

    // That a grown volume changes nothing but the claim (no restart): plan.day2.test.ts, "grows the volume by updating the claim alone".
    it("holds producers back at 70 % of the heap and at 80 % (store) and 10 % (temporary store) of its volume, rechecked every minute", () => {
        assert.ok(xml.includes('<memoryUsage><memoryUsage percentOfJvmHeap="70"/></memoryUsage>'), "the image's share of the -Xmx1G heap, not BrokerService's fixed 1 GB");
        assert.ok(xml.includes('<storeUsage><storeUsage percentLimit="80"/></storeUsage>'));
        assert.ok(xml.includes('<tempUsage><tempUsage percentLimit="10"/></tempUsage>'));
        assert.match(xml, /<broker [^>]*schedulePeriodForDiskUsageCheck="60000" diskUsageCheckRegrowThreshold="64 mb">/);
        const systemUsage = xml.slice(xml.indexOf("<systemUsage>"), xml.lastIndexOf("</systemUsage>"));
        assert.ok(systemUsage.length > 0 && xml.indexOf("<systemUsage>") > xml.indexOf("<broker "), "inside the broker element");
    });

    it("keeps the image's limit on messages pending for slow topic consumers", () => {
        assert.match(xml, /<destinationPolicy><policyMap><policyEntries>\s*<policyEntry topic=">"><pendingMessageLimitStrategy><constantPendingMessageLimitStrategy limit="1000"\/><\/pendingMessageLimitStrategy><\/policyEntry>\s*<\/policyEntries><\/policyMap><\/destinationPolicy>/);
    });

    it("authenticates through the image's JAAS realm, opens OpenWire only, and keeps KahaDB on the volume", () => {
        assert.ok(xml.includes('<jaasAuthenticationPlugin configuration="activemq"/>'));
        assert.deepEqual([...xml.matchAll(/<transportConnector name="([a-z]+)" uri="([a-z]+):\/\/0\.0\.0\.0:(\d+)/g)].map((match) => match.slice(1)), [["openwire", "tcp", "61616"]]);
        assert.ok(xml.includes('<kahaDB directory="${activemq.data}/kahadb"/>'));
        assert.ok(xml.includes('<import resource="jetty.xml"/>'), "the web console stays the image's");
    });

    it("passes nothing through the environment, so the image's entrypoint edits nothing and its ACTIVEMQ_OPTS (jetty.host=0.0.0.0) stand", () => {
        assert.equal(container.env, undefined);
        const files = container.volumeMounts.filter((mount: { subPath?: string }) => mount.subPath);
        assert.deepEqual(files.map((mount: { mountPath: string; name: string }) => [mount.mountPath, mount.name]), [
            ["/opt/apache-activemq/conf/activemq.xml", "config"],
            ["/opt/apache-activemq/conf/users.properties", "credentials"],
            ["/opt/apache-activemq/conf/groups.properties", "credentials"],
            ["/opt/apache-activemq/conf/credentials.properties", "credentials"],
        ]);
        const secret = pod.volumes.find((volume: { name: string }) => volume.name === "credentials").secret;
        assert.deepEqual(secret.items.map((item: { key: string }) => item.key), ["users.properties", "groups.properties", "credentials.properties"]);
    });

    it("runs as UID 1000 without capabilities, with its volume group-owned", () => {
        assert.deepEqual([pod.securityContext.runAsNonRoot, pod.securityContext.runAsUser, pod.securityContext.fsGroup], [true, 1000, 1000]);
        assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepEqual(pod.volumes.find((volume: { name: string }) => volume.name === "tmp"), { name: "tmp", emptyDir: { sizeLimit: "1Gi" } });
    });

    it("mounts its claim by name instead of a volumeClaimTemplate, and rolls on a config or credentials change", () => {
        assert.equal(spec.volumeClaimTemplates, undefined);
        assert.deepEqual(pod.volumes.find((volume: { name: string }) => volume.name === "data"), { name: "data", persistentVolumeClaim: { claimName: "data-activemq-0" } });
        assert.deepEqual(spec.template.metadata.annotations, { "commerce-edge/config-checksum": "c0ffee", "commerce-edge/credentials-version": "42" });
    });
});
