// The console's HTTP side: same-origin fetches with the session cookie; every POST carries the CSRF token.
let csrf = "";
let onEnded = () => {};

export function setCsrf(token) { csrf = token; }
export function whenEnded(fn) { onEnded = fn; }

export async function api(path, { method = "GET", body, background = false } = {}) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (background) headers["X-Hallq-Background"] = "1";  // polling is not the user's activity (idle timeout)
  const r = await fetch(path, { method, headers, credentials: "same-origin",
                                body: body === undefined ? undefined : JSON.stringify(body) });
  const type = r.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await r.json() : null;
  if (r.status === 401 && !path.endsWith("/login")) onEnded();
  if (!r.ok) {
    const err = new Error((data && data.message) || String(r.status));
    err.code = data && data.code; err.status = r.status; err.details = data && data.details;
    throw err;
  }
  return data;
}

export async function login(username, password) {
  const r = await fetch("/console/api/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Hallq-Login": "1" },
    body: JSON.stringify({ username, password }) });
  const data = await r.json();
  if (!r.ok) { const e = new Error(data.message); e.code = data.code; throw e; }
  csrf = data.csrf;
  return data;
}
