// Idempotency keys: random, from crypto.getRandomValues (which, unlike crypto.randomUUID,
// also works on plain-http pages that are not a secure context).
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
