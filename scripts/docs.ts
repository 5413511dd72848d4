import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../config/reference";

/** Regenerates the config reference table in README.md from the schema. */
const path = join(__dirname, "..", "README.md");
writeFileSync(path, withReference(readFileSync(path, "utf8")));
console.log("README.md: config reference regenerated");
