// `npm start`: run the service until SIGINT/SIGTERM.
import { ConfigError, loadConfig } from "./config.ts";
import { DataKeyError } from "./privacy/dataKey.ts";
import { setHeapGrowth } from "./runtime/heap.ts";

try {
  // process-wide, so set here (the service's own process), not by startServer (tests run it in
  // theirs); before the service's modules are loaded, so that loading them grows the heap that way too
  setHeapGrowth(loadConfig(process.env).HEAP_GROWING_PERCENT);
  const { startServer } = await import("./server.ts");
  const server = await startServer();
  process.stdout.write(`Case tracker listening on ${server.url} (API reference at ${server.url}/docs)\n`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
} catch (e) {
  if (e instanceof ConfigError || e instanceof DataKeyError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
