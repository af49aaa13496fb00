// Parse, validate and render the Adaptive Card of each Teams message body with
// Microsoft's own renderer (npm adaptivecards; jsdom for its DOM).
// Usage: node adaptive_card_check.mjs BODY.json...   (run from a folder whose
// node_modules has adaptivecards and jsdom). Prints one JSON line per file:
// the card's version, every parse and validation message, and whether it
// rendered; exits 1 when any file has a message or does not render.
//
// node adaptive_card_check.mjs --serve SERVE_LINES.mjs   keeps one process for many
// checks, so jsdom and the renderer load once (serve_lines.mjs beside this file says
// how it answers). Each file gets its own card and serialization context; the
// renderer's class-level flags and counters (it warns once a process that no Markdown
// processor is set) go back before each check to what they were at start, so every
// check begins as in a fresh process.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { JSDOM } from "jsdom";

const serving = process.argv[2] === "--serve";
const served = serving ? await import(pathToFileURL(process.argv[3]).href) : null;

const dom = new JSDOM("");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.navigator = dom.window.navigator;
globalThis.HTMLElement = dom.window.HTMLElement;
// jsdom has no innerText, which the renderer writes text with
Object.defineProperty(dom.window.HTMLElement.prototype, "innerText", {
  get() { return this.textContent; },
  set(value) { this.textContent = value; },
  configurable: true,
});
const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");

// Every class-level flag and counter (a static field holding no object), as at start.
const statics = Object.values(AC)
  .filter((value) => typeof value === "function")
  .flatMap((owner) =>
    Object.getOwnPropertyNames(owner)
      .filter((name) => {
        const field = Object.getOwnPropertyDescriptor(owner, name);
        return "value" in field && field.writable && Object(field.value) !== field.value;
      })
      .map((name) => [owner, name, owner[name]]),
  );

// The exit code of one check; what it prints goes through console, as on the command line.
function check(files) {
  let bad = 0;
  for (const file of files) {
    const message = JSON.parse(readFileSync(file, "utf8"));
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(message.attachments[0].content, context);
    const events = [];
    for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
    for (const e of card.validateProperties().validationEvents) events.push(e.message);
    const rendered = card.render();
    const text = rendered ? rendered.textContent : "";
    console.log(JSON.stringify({ file, version: card.version.toString(), events, rendered: !!rendered, text }));
    if (events.length || !rendered) bad = 1;
  }
  return bad;
}

if (serving) {
  const restore = () => {
    for (const [owner, name, value] of statics) owner[name] = value;
  };
  await served.serve(check, { before: restore });
} else {
  process.exit(check(process.argv.slice(2)));
}
