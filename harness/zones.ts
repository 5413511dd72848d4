/**
 * Availability zones the offline plan answers `aws.getAvailabilityZones` with. Only what a source states:
 * eu-west-1 has the AZ IDs euw1-az1, euw1-az2 and euw1-az3 ("AWS Availability Zones", AWS Regions and
 * Availability Zones guide, docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html,
 * read 2026-12-01). An account may see fewer (zones are mapped per account in the oldest regions), which the
 * program checks against the account at `pulumi up`. For any other region the zone count is not checked
 * offline: the plan gets six zones (the schema's maximum) and says so.
 */
export const ZONES_READ_ON = "2026-12-01";

const ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
    "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-az3"],
};

export interface OfflineZones {
    readonly names: readonly string[];
    readonly zoneIds: readonly string[];
    /** False when the count is not from the table. */
    readonly checked: boolean;
}

/** Zone names are the region code plus a letter (same guide); which letter is which AZ ID differs per account. */
export function offlineZones(region: string): OfflineZones {
    const ids = ZONE_IDS[region];
    const letters = "abcdef";
    if (ids) return { names: ids.map((_, index) => `${region}${letters[index]}`), zoneIds: ids, checked: true };
    return { names: [...letters].map((letter) => `${region}${letter}`), zoneIds: [...letters].map((_, index) => `${region}-not-checked-offline-${index + 1}`), checked: false };
}
