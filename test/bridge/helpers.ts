import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningHranaBridge, type StartHranaBridgeOptions, startHranaBridge } from "../../tools/libsql-bridge/index.ts";

export interface TestBridge extends RunningHranaBridge {
  directory: string;
  /** Creates a database through the admin endpoint and returns its URL. */
  newDatabase(body?: { name?: string; template?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestBridge(options: Partial<StartHranaBridgeOptions> = {}): Promise<TestBridge> {
  const directory = await mkdtemp(join(tmpdir(), "grasrot-bridge-"));
  const running = await startHranaBridge({ directory, ...options });
  return {
    ...running,
    directory,
    async newDatabase(body = {}) {
      const response = await fetch(`${running.url}/_bridge/databases`, { method: "POST", body: JSON.stringify(body) });
      const created = (await response.json()) as { name: string; url: string; error?: string };
      if (response.status !== 201) throw new Error(`creating a database failed: ${response.status} ${created.error}`);
      return created.url;
    },
    async stop() {
      await running.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: protocol responses are inspected structurally in tests
  json: any;
}

/** POSTs a raw body (a string is sent as is) and returns the answer, parsed as JSON when it is JSON. */
export async function post(url: string, body: unknown): Promise<RawResponse> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get("content-type"), text, json };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves to what the promise settled with, or "pending" if it has not settled within `ms`. */
export async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<"pending" | { value: T } | { error: unknown }> {
  const timeout = sleep(ms).then(() => "pending" as const);
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    timeout,
  ]);
}
