import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHranaBridge, type HranaBridge, type HranaBridgeOptions } from "./bridge.ts";

export interface StartHranaBridgeOptions extends HranaBridgeOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: the bridge has no authentication, so keep it off the network. */
  hostname?: string;
  /** Larger request bodies are refused with 413. Default 64 MiB. */
  maxBodyBytes?: number;
}

export interface RunningHranaBridge {
  /** Base URL of the default database, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  bridge: HranaBridge;
  /** URL of a named database; the trailing slash is required by the client's URL resolution. */
  databaseUrl(name: string): string;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function serve(bridge: HranaBridge, req: IncomingMessage, res: ServerResponse, origin: string, limit: number): Promise<void> {
  try {
    const method = req.method ?? "GET";
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(key, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(key, item);
    }
    const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await readBody(req, limit));
    // The Host header makes URLs the admin endpoint hands out work for whoever asked (localhost, a container name).
    const base = req.headers.host !== undefined ? `http://${req.headers.host}` : origin;
    const request = new Request(new URL(req.url ?? "/", base), { method, headers, body });
    const response = await bridge.fetch(request);
    const payload = Buffer.from(await response.arrayBuffer());
    res.statusCode = response.status;
    response.headers.forEach((value, key) => {
      res.setHeader(key, value);
    });
    res.setHeader("content-length", payload.length);
    res.end(method === "HEAD" ? undefined : payload);
  } catch (error) {
    const tooLarge = error instanceof BodyTooLargeError;
    if (!res.headersSent) {
      res.statusCode = tooLarge ? 413 : 500;
      res.setHeader("content-type", "text/plain");
    }
    res.end(tooLarge ? "Request body too large" : "Internal bridge error");
    if (tooLarge) req.destroy();
  }
}

/** Serves a bridge over HTTP with node:http. See createHranaBridge(). */
export async function startHranaBridge(options: StartHranaBridgeOptions): Promise<RunningHranaBridge> {
  const { port = 0, hostname = "127.0.0.1", maxBodyBytes = 64 * 1024 * 1024, ...bridgeOptions } = options;
  const bridge = createHranaBridge(bridgeOptions);
  let origin = "";
  const server = createServer((req, res) => {
    void serve(bridge, req, res, origin, maxBodyBytes);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, hostname, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await bridge.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  const basePath = (bridgeOptions.basePath ?? "").replace(/\/+$/, "");
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}${basePath}`,
    port: address.port,
    bridge,
    databaseUrl: (name) => `${origin}${basePath}/db/${name}/`,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections from fetch() would otherwise hold server.close() open.
        server.closeAllConnections();
        await closed;
        await bridge.close();
      })();
      return closing;
    },
  };
}
