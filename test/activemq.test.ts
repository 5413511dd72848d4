import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseLines } from "dot-properties";
import fc from "fast-check";
import { activemqBrokerXml, activemqRealmFiles, activemqStatefulSetSpec, propertiesEntry } from "../components/routes/workloadManifests";

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
        const files = activemqRealmFiles({ admin: { name: "admin", password: "a/b c&d" }, broker: { name: "broker", password: "x=y" } });
        assert.deepEqual(parse(files["users.properties"]), { admin: "a/b c&d", broker: "x=y" });
        assert.deepEqual(parse(files["groups.properties"]), { admins: "admin", clients: "broker" });
    });
});

describe("ActiveMQ broker", () => {
    const xml = activemqBrokerXml();
    const spec = activemqStatefulSetSpec({ image: "apache/activemq-classic:6.1.7", configMapName: "activemq-config", credentialsSecretName: "activemq-credentials", configChecksum: "c0ffee", credentialsVersion: "42" }) as any;
    const pod = spec.template.spec;
    const container = pod.containers[0];

    it("authenticates through the image's JAAS realm, opens OpenWire only, and keeps KahaDB on the volume", () => {
        assert.ok(xml.includes('<jaasAuthenticationPlugin configuration="activemq"/>'));
        assert.deepEqual([...xml.matchAll(/<transportConnector name="([a-z]+)" uri="([a-z]+):\/\/0\.0\.0\.0:(\d+)/g)].map((match) => match.slice(1)), [["openwire", "tcp", "61616"]]);
        assert.ok(xml.includes('<kahaDB directory="${activemq.data}/kahadb"/>'));
        assert.ok(xml.includes('<import resource="jetty.xml"/>'), "the web console stays the image's");
    });

    it("passes no credential through the environment, so the image's entrypoint edits nothing", () => {
        assert.deepEqual(container.env.map((variable: { name: string }) => variable.name), ["JDK_JAVA_OPTIONS"]);
        assert.deepEqual(container.volumeMounts.filter((mount: { subPath?: string }) => mount.subPath).map((mount: { mountPath: string }) => mount.mountPath), [
            "/opt/apache-activemq/conf/activemq.xml", "/opt/apache-activemq/conf/users.properties", "/opt/apache-activemq/conf/groups.properties",
        ]);
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
