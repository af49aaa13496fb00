// The --serve mode the check scripts beside this file share: one node process for
// many checks. Each line on stdin is a JSON list of a check's command-line arguments;
// each answer is one JSON line {returncode, stdout, stderr, exit}: the exit code and
// output the same arguments give on the command line, and whether the process must
// end (the next check then gets a fresh one).
//
// A check script imports this module by its path (`node SCRIPT --serve THIS_FILE`),
// and only when serving: importing it makes stdout carry the answers alone, so
// whatever else is written there outside a check (nothing, as a rule) goes to stderr.
// It needs nothing from node_modules, so it is read where it lies.
import { createInterface } from "node:readline";

const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = (...args) => process.stderr.write(...args);

// Everything written to stdout and stderr while `run` runs, the library's own included.
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

// Answer every line of stdin with `check(args)` (its exit code; what it prints goes
// through console), `before()` run ahead of each check and `changed()` after it: when
// that is true, the answer says `exit` and the process ends. Ends at end of input.
export async function serve(check, { before = () => {}, changed = () => false } = {}) {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    before();
    const reply = await captured(() => check(JSON.parse(line)));
    const exit = Boolean(changed());
    answer(`${JSON.stringify({ ...reply, exit })}\n`);
    if (exit) break;
  }
  process.exit(0);
}
