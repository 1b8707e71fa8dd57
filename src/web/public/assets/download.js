// Downloads of files the API answers only to a logged-in user (templates, CSV exports): fetched with
// the bearer token, then saved through a temporary object URL (no token in any URL).
import { getSession } from "./api.js";

/**
 * @param {string} path API path
 * @param {string} filename the name the browser saves it under
 * @returns {Promise<number>} the HTTP status (0 when the network failed)
 */
export async function downloadFile(path, filename) {
  const session = getSession();
  let res;
  try {
    res = await fetch(path, {
      headers: session ? { authorization: `Bearer ${session.token}` } : {},
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return 0;
  }
  if (!res.ok) return res.status;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return res.status;
}

/**
 * A multipart upload of one file (field `file`) with the bearer token.
 * @param {string} path @param {File} file
 * @returns {Promise<{ status: number, body: any, headers: Headers | null }>}
 */
export async function uploadFile(path, file) {
  const session = getSession();
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const res = await fetch(path, {
      method: "POST",
      headers: {
        accept: "application/json, application/problem+json",
        ...(session ? { authorization: `Bearer ${session.token}` } : {}),
      },
      body: form,
      cache: "no-store",
      credentials: "omit",
    });
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("json") ? await res.json() : await res.text();
    return { status: res.status, body, headers: res.headers };
  } catch {
    return { status: 0, body: null, headers: null };
  }
}
