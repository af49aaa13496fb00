// Parse every ```mermaid block of a Markdown file with Mermaid's own parser.
// Usage: node mermaid_check.mjs FILE.md   (run from a folder whose node_modules
// has mermaid and jsdom; Mermaid needs a DOM before it is imported).
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const text = readFileSync(process.argv[2], "utf8");
const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length === 0) {
  console.error("no mermaid block found");
  process.exit(1);
}
for (const block of blocks) {
  try {
    await mermaid.parse(block);
  } catch (error) {
    console.error(String(error && error.message ? error.message : error));
    process.exit(1);
  }
}
console.log(`ok: ${blocks.length} mermaid block(s) parsed`);
