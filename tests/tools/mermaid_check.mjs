// Parse every ```mermaid block of a Markdown file with Mermaid's own parser.
// Usage: node mermaid_check.mjs FILE.md [--labels]   (run from a folder whose
// node_modules has mermaid and jsdom; Mermaid needs a DOM before it is imported).
// With --labels, print as JSON, per block, the diagram type, the text of every
// label as the browser would show it (Mermaid's entity codes decoded), and the
// theme and themeCSS in force after the block (an obeyed %%{init}%% changes them),
// and each label as Mermaid holds it when it renders (`raw`: entity codes not yet
// decoded; a `$$` there would be KaTeX math).
//
// node mermaid_check.mjs --serve SERVE_LINES.mjs   keeps one process for many files, so
// jsdom and Mermaid load once (serve_lines.mjs beside this file says how it answers).
// Mermaid keeps its config between calls, so before each file the current config
// goes back to the defaults, and after it the site config must still be the one the
// process started with (parsing never changes it); if it is not, the answer says
// `exit` and the process ends, so the next file gets a fresh one.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { JSDOM } from "jsdom";

const serving = process.argv[2] === "--serve";
const served = serving ? await import(pathToFileURL(process.argv[3]).href) : null;

const dom = new JSDOM("");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

// One-time lazy set-ups done now, in both modes, so that every file starts from the
// same state: Mermaid adds its DOMPurify hooks (they keep a link's `target`) on the
// first label it sanitises with HTML labels on, which a file's own first block may
// turn off. The config this parse leaves behind is reset below. (So the command line,
// too, now keeps a link's `target` in such a file, where a first run used to drop
// it; okrbsc never writes `%%{init}%%`, so no check of its output depends on this.)
await mermaid.parse("flowchart LR\n  a[x]\n");
mermaid.mermaidAPI.globalReset();
const startSite = mermaid.mermaidAPI.getSiteConfig();
const startConfig = mermaid.mermaidAPI.getConfig();

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

// The exit code of one check; what it prints goes through console, as on the command line.
async function check(argv) {
  const text = readFileSync(argv[0], "utf8");
  const wantLabels = argv.includes("--labels");
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length === 0) {
    console.error("no mermaid block found");
    return 1;
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
      return 1;
    }
  }
  console.log(wantLabels ? JSON.stringify(report) : `ok: ${blocks.length} mermaid block(s) parsed`);
  return 0;
}

if (serving) {
  await served.serve(check, {
    before: () => mermaid.mermaidAPI.globalReset(),
    changed: () =>
      !isDeepStrictEqual(mermaid.mermaidAPI.getSiteConfig(), startSite) ||
      (mermaid.mermaidAPI.globalReset(),
      !isDeepStrictEqual(mermaid.mermaidAPI.getConfig(), startConfig)),
  });
} else {
  process.exitCode = await check(process.argv.slice(2));
}
