// fetch wrapper for the JSON API: bearer token from sessionStorage, problem details parsed,
// 401 on an authenticated call → the page's "log in again" handler.

const TOKEN_KEY = "tracker.session";

/** @returns {{ token: string, role: string, expiresAt: string } | null} */
export function getSession() {
  try {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** @param {{ token: string, role: string, expiresAt: string }} session */
export function setSession(session) {
  sessionStorage.setItem(
    TOKEN_KEY,
    JSON.stringify({ token: session.token, role: session.role, expiresAt: session.expiresAt }),
  );
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
}

let unauthorized = () => {};
/** What to do when the server says the token is missing, invalid or expired. @param {() => void} fn */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string>, auth?: boolean }} [opts]
 * @returns {Promise<{ status: number, ok: boolean, body: any, headers: Headers | null }>}
 */
export async function api(method, path, opts = {}) {
  const { body, headers = {}, auth = true } = opts;
  /** @type {Record<string, string>} */
  const h = { accept: "application/json, application/problem+json", ...headers };
  if (body !== undefined) h["content-type"] = "application/json";
  const session = auth ? getSession() : null;
  if (session) h.authorization = `Bearer ${session.token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return { status: 0, ok: false, body: null, headers: null };
  }
  let data = null;
  const type = res.headers.get("content-type") ?? "";
  try {
    data = type.includes("json") ? await res.json() : await res.text();
  } catch {
    data = null;
  }
  if (res.status === 401 && auth && session) {
    clearSession();
    unauthorized();
  }
  return { status: res.status, ok: res.ok, body: data, headers: res.headers };
}
