// Parse, validate and render the Adaptive Card of each Teams message body with
// Microsoft's own renderer (npm adaptivecards; jsdom for its DOM).
// Usage: node adaptive_card_check.mjs BODY.json...   (run from a folder whose
// node_modules has adaptivecards and jsdom). Prints one JSON line per file:
// the card's version, every parse and validation message, and whether it
// rendered; exits 1 when any file has a message or does not render.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

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

let bad = 0;
for (const file of process.argv.slice(2)) {
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
process.exit(bad);
