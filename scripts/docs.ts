import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../config/reference";
import { planStack } from "../harness/plan";
import { topologyMarkdown, withTopology } from "../harness/topology";
import { withDayTwoTable } from "../test/configKeyCases";

/**
 * Regenerates the config reference table in README.md from the schema, the day-2 table from test/configKeyCases.ts,
 * and the architecture diagram from the dev plan.
 */
const path = join(__dirname, "..", "README.md");
writeFileSync(path, withDayTwoTable(withReference(readFileSync(path, "utf8"))));
console.log("README.md: config reference and day-2 table regenerated");
planStack("dev").then((plan) => {
    writeFileSync(path, withTopology(readFileSync(path, "utf8"), topologyMarkdown(plan.run.resources)));
    console.log("README.md: topology regenerated from the dev plan");
}, (error: unknown) => {
    console.error(error);
    process.exit(1);
});
