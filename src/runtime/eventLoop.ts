// Letting the event loop breathe during long loops of database work.

/**
 * Lets pending I/O (HTTP requests) run. better-sqlite3 is synchronous and the driver adapter
 * answers with already-resolved promises, so a long loop of queries would otherwise starve
 * the event loop for its whole duration. Called between the cases of a sweep, the messages of
 * a fan-out.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
