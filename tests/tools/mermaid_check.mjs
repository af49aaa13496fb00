// Parse every ```mermaid block of a Markdown file with Mermaid's own parser.
// Usage: node mermaid_check.mjs FILE.md [--labels]   (run from a folder whose
// node_modules has mermaid and jsdom; Mermaid needs a DOM before it is imported).
// With --labels, print as JSON, per block, the diagram type, the text of every
// label as the browser would show it (Mermaid's entity codes decoded), and the
// theme and themeCSS in force after the block (an obeyed %%{init}%% changes them),
// and each label as Mermaid holds it when it renders (`raw`: entity codes not yet
// decoded; a `$$` there would be KaTeX math).
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const text = readFileSync(process.argv[2], "utf8");
const wantLabels = process.argv.includes("--labels");
const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length === 0) {
  console.error("no mermaid block found");
  process.exit(1);
}

// Mermaid encodes `#quot;` as `ﬂ°quot¶ß` and `#35;` as `ﬂ°°35¶ß`, and decodes them to
// HTML entities when it writes the SVG; the browser then decodes the entities.
function shown(label) {
  const html = String(label ?? "")
    .replace(/ﬂ°°/g, "&#")
    .replace(/ﬂ°/g, "&")
    .replace(/¶ß/g, ";");
  const box = dom.window.document.createElement("textarea");
  box.innerHTML = html;
  return box.value;
}

function labels(db, show = shown) {
  const out = [];
  if (db.getVertices) {
    for (const v of db.getVertices().values()) out.push(show(v.text));
    for (const s of db.getSubGraphs()) out.push(show(s.title));
  }
  if (db.getXYChartData) {
    const data = db.getXYChartData();
    out.push(show(data.title), show(data.yAxis.title), show(data.xAxis.title));
    for (const c of data.xAxis.categories ?? []) out.push(show(c));
  }
  if (db.getDiagramTitle) out.push(show(db.getDiagramTitle()));
  return out.filter((t) => t !== "");
}

const report = [];
for (const block of blocks) {
  try {
    await mermaid.parse(block);
    if (wantLabels) {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(block);
      const config = mermaid.mermaidAPI.getConfig();
      report.push({
        type: diagram.type,
        labels: labels(diagram.db),
        raw: labels(diagram.db, (label) => String(label ?? "")),
        theme: config.theme ?? null,
        themeCSS: config.themeCSS ?? null,
      });
    }
  } catch (error) {
    console.error(String(error && error.message ? error.message : error));
    process.exit(1);
  }
}
console.log(wantLabels ? JSON.stringify(report) : `ok: ${blocks.length} mermaid block(s) parsed`);
