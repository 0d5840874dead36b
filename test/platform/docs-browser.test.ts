/**
 * /docs in a real browser with no internet: headless Chromium, every host but the loopback
 * address unresolvable, opens the reference page of `npm start` and must show the
 * operation list, having asked nothing of any other host. CI (CI=true) installs Chromium
 * (.ci/run) and fails without it; elsewhere the test is skipped, loudly, when it is missing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startArguments } from "../../scripts/start-command.ts";
import { referenceBundlePath } from "../../src/meta/reference-bundle.ts";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "grasrot-docs-browser-"));
const running: ChildProcess[] = [];
afterAll(async () => {
  // Each child leads a process group of its own (Chromium's renderers among them): end the group.
  await Promise.all(
    running.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-(child.pid as number), "SIGKILL");
      return exited;
    }),
  );
  rmSync(directory, { recursive: true, force: true, maxRetries: 5 });
});

function findChromium(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const chromium = findChromium();
const inCi = process.env.CI === "true";
if (!chromium && !inCi) console.warn("\n!!! docs-browser.test.ts SKIPPED: no `chromium` on PATH (apt-get install -y chromium)\n");

/** Waits for a line of a child's output to match, and returns the match. */
function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${output}`)));
  });
}

/** The few Chrome DevTools Protocol calls the test needs, over the browser's WebSocket. */
async function devTools(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  const listeners: ((method: string, params: Record<string, unknown>) => void)[] = [];
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const call = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners) listener(message.method, message.params ?? {});
    }
  });
  return {
    send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
      const id = ++nextId;
      socket.send(JSON.stringify({ id, method, params, sessionId }));
      return new Promise((resolve, reject) => waiting.set(id, { resolve: resolve as (result: unknown) => void, reject }));
    },
    on(listener: (method: string, params: Record<string, unknown>) => void) {
      listeners.push(listener);
    },
    close: () => socket.close(),
  };
}

describe.skipIf(!chromium && !inCi)("/docs in a browser without internet", () => {
  it("shows the operation list, with everything loaded from the deployment", async () => {
    expect(chromium, "CI needs `chromium` on PATH (.ci/run installs it)").toBeDefined();

    const server = spawn(process.execPath, startArguments(), {
      cwd: root,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LIBSQL_URL: `file:${join(directory, "grasrot.db")}` },
      detached: true,
    });
    running.push(server);
    const port = (await waitFor(server, /Grasrot API on http:\/\/localhost:(\d+)/, "the server"))[1];
    const base = `http://127.0.0.1:${port}`;

    const browser = spawn(
      chromium as string,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        // No name resolves but the loopback address: the internet is out of reach.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${join(directory, "chromium")}`,
        "--remote-debugging-port=0",
        "about:blank",
      ],
      { detached: true },
    );
    running.push(browser);
    const devToolsUrl = (await waitFor(browser, /DevTools listening on (ws:\/\/\S+)/, "chromium"))[1] as string;
    const cdp = await devTools(devToolsUrl);

    const { targetId } = await cdp.send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
    const requested: string[] = [];
    const responses = new Map<string, number>();
    cdp.on((method, params) => {
      if (method === "Network.requestWillBeSent") requested.push((params.request as { url: string }).url);
      if (method === "Network.responseReceived") {
        const response = params.response as { url: string; status: number };
        responses.set(response.url, response.status);
      }
    });
    await cdp.send("Network.enable", {}, sessionId);
    await cdp.send("Page.enable", {}, sessionId);
    await cdp.send("Page.navigate", { url: `${base}/docs` }, sessionId);

    // The health operation's summary, from the document, rendered by the reference's scripts.
    const summary = "Is the API up, its database reachable and migrated?";
    let text = "";
    for (let attempt = 0; attempt < 120 && !text.includes(summary); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const evaluated = await cdp.send<{ result: { value?: string } }>(
        "Runtime.evaluate",
        { expression: "document.body ? document.body.innerText : ''", returnByValue: true },
        sessionId,
      );
      text = evaluated.result.value ?? "";
    }
    cdp.close();

    expect(text).toContain(summary);
    expect(text).toMatch(/GET\s+\/v1\/health\s+GET\s+\/v1\/openapi\.yaml\s+GET\s+\/v1\/openapi\.json/);
    expect(responses.get(`${base}${referenceBundlePath}`)).toBe(200);
    expect(responses.get(`${base}/v1/openapi.json`)).toBe(200);
    const elsewhere = requested.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith("data:") && !url.startsWith("blob:"));
    expect(elsewhere).toEqual([]);
  }, 90_000);
});
