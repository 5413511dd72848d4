import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsRecordsArgs {
    /** Existing public hosted zone, looked up by name. */
    readonly zoneName: string;
    /** Every distinct host of the route table. */
    readonly hosts: readonly string[];
    /** The NLB's DNS name and canonical hosted-zone id (not the hosted zone of the records). */
    readonly target: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
    /** Also publish AAAA records (only for a dual-stack NLB). @default false */
    readonly ipv6?: boolean;
}

/** Logical name of a host's record: stable, readable, and unique per host. */
export function recordName(host: string, type: "A" | "AAAA"): string {
    return `${host.replaceAll(".", "-")}-${type.toLowerCase()}`;
}

/** Route53 alias records, one per host (and record type), pointing at the NLB. */
export class DnsRecords extends pulumi.ComponentResource {
    readonly fqdns: pulumi.Output<string[]>;

    constructor(name: string, args: DnsRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:aws:DnsRecords", name, {}, opts);
        const zone = aws.route53.getZoneOutput({ name: args.zoneName, privateZone: false }, { parent: this });
        const types: ("A" | "AAAA")[] = args.ipv6 ? ["A", "AAAA"] : ["A"];
        const records = args.hosts.flatMap((host) =>
            types.map((type) => new aws.route53.Record(recordName(host, type), {
                zoneId: zone.zoneId,
                name: host,
                type,
                aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
            }, { parent: this })));
        this.fqdns = pulumi.all(records.map((record) => record.fqdn));
        this.registerOutputs({ fqdns: this.fqdns });
    }
}
