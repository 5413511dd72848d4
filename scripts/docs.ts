import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../config/reference";
import { planStack } from "../harness/plan";
import { topologyMarkdown, withTopology } from "../harness/topology";

/** Regenerates the config reference table in README.md from the schema, and the architecture diagram from the dev plan. */
const path = join(__dirname, "..", "README.md");
writeFileSync(path, withReference(readFileSync(path, "utf8")));
console.log("README.md: config reference regenerated");
planStack("dev").then((plan) => {
    writeFileSync(path, withTopology(readFileSync(path, "utf8"), topologyMarkdown(plan.run.resources)));
    console.log("README.md: topology regenerated from the dev plan");
}, (error: unknown) => {
    console.error(error);
    process.exit(1);
});
