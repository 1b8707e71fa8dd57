// The service's heap growth (HEAP_GROWING_PERCENT). After each full collection V8 sets the next
// one's threshold from how cheap collecting has been: for this service, whose requests leave little
// behind, it let the heap fill to 170-200 MB of garbage over 40 MB of live data before collecting
// again, and that garbage was most of its memory beyond the reference's. A fixed growth of 100 %
// collects at twice the live data instead. It is not a limit: a large request still gets the memory
// it needs, the heap then grows from there. Flags set after start are read by V8's next collection.
import v8 from "node:v8";

/** Applies the growth setting to this process; 0 keeps V8's own heuristics. */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
