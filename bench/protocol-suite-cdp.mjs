// Opens one page in headless Chromium over the DevTools protocol and prints the text of its #result
// element once the page has written it (or "timeout" after two minutes).
// Usage: node protocol-suite-cdp.mjs /usr/bin/chromium URL   (run where the `ws` package resolves)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";

const [chromium, url] = process.argv.slice(2);
const port = 9300 + Math.floor(Math.random() * 600);
const profile = mkdtempSync(join(tmpdir(), "suite-chromium-"));
const browser = spawn(chromium, ["--headless=new", "--no-sandbox", "--no-first-run",
  `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, "about:blank"], { stdio: "ignore", detached: true });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let pages = [];
for (let i = 0; i < 100 && pages.length === 0; i++) {
  try {
    pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).filter((t) => t.type === "page");
  } catch {
    await sleep(100);
  }
}
if (pages.length === 0) {
  console.log("chromium did not start");
  process.exit(1);
}
const devtools = new WebSocket(pages[0].webSocketDebuggerUrl);
await new Promise((resolve) => devtools.once("open", resolve));
let lastId = 0;
const waiting = new Map();
devtools.on("message", (m) => {
  const reply = JSON.parse(m);
  waiting.get(reply.id)?.(reply);
  waiting.delete(reply.id);
});
const call = (method, params = {}) => new Promise((resolve) => {
  const id = ++lastId;
  waiting.set(id, resolve);
  devtools.send(JSON.stringify({ id, method, params }));
});

await call("Page.navigate", { url });
let text = "";
for (let i = 0; i < 240 && !text; i++) {
  await sleep(500);
  const r = await call("Runtime.evaluate", { expression: "document.getElementById('result')?.textContent || ''" });
  text = r.result?.result?.value || "";
}
console.log(text ? text.trim().replace(/\n/g, " | ") : "timeout");
devtools.close();
const exited = new Promise((resolve) => browser.once("exit", resolve));
process.kill(-browser.pid, "SIGKILL"); // the whole process group: renderers and helpers too
await exited;
await sleep(200);
try {
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
} catch {
  // a helper process still closing its files: the profile stays in the temporary folder
}
process.exit(0);
