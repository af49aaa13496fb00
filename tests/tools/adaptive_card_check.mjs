// Parse, validate and render the Adaptive Card of each Teams message body with
// Microsoft's own renderer (npm adaptivecards; jsdom for its DOM).
// Usage: node adaptive_card_check.mjs BODY.json...   (run from a folder whose
// node_modules has adaptivecards and jsdom). Prints one JSON line per file:
// the card's version, every parse and validation message, and whether it
// rendered; exits 1 when any file has a message or does not render.
//
// node adaptive_card_check.mjs --serve   keeps one process for many checks, so jsdom
// and the renderer load once: each line on stdin is a JSON list of the arguments
// above, and each answer is one JSON line {returncode, stdout, stderr, exit}, the exit
// code and output the same arguments give on the command line. Each file gets its
// own card and serialization context; the renderer's class-level flags and counters
// (it warns once a process that no Markdown processor is set) go back before each
// check to what they were at start, so every check begins as in a fresh process.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { JSDOM } from "jsdom";

// Served, stdout carries only the answers: whatever else is written there outside a
// check (nothing, as a rule) goes to stderr.
const serving = process.argv[2] === "--serve";
const answer = process.stdout.write.bind(process.stdout);
if (serving) process.stdout.write = (...args) => process.stderr.write(...args);

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

// Everything written to stdout and stderr while `run` runs, the renderer's own included.
async function captured(run) {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  const texts = [[], []];
  streams.forEach((stream, i) => {
    stream.write = (chunk, ...rest) => {
      texts[i].push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = rest.find((r) => typeof r === "function");
      if (done) queueMicrotask(() => done(null));
      return true;
    };
  });
  let returncode;
  try {
    returncode = await run();
  } catch (error) {
    texts[1].push(`${error && error.stack ? error.stack : error}\n`);
    returncode = 1;
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]));
  }
  // as node writes a string to a pipe: UTF-8, a lone surrogate as U+FFFD
  const [stdout, stderr] = texts.map((t) => Buffer.from(t.join(""), "utf8").toString("utf8"));
  return { returncode, stdout, stderr };
}

if (serving) {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    for (const [owner, name, value] of statics) owner[name] = value;
    const reply = await captured(() => check(JSON.parse(line)));
    answer(`${JSON.stringify({ ...reply, exit: false })}\n`);
  }
  process.exit(0);
} else {
  process.exit(check(process.argv.slice(2)));
}
