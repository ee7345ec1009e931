// The header's city badge: how far behind the hall's forwarding to the city server is (GET /api/health "central").
// Hidden when the hall does not forward; green when (nearly) caught up, amber when minutes behind, red when far
// behind or the city server cannot be reached (未连接市级平台). Polled; the hall itself never waits on the city.
import { T, lang, span } from "/static/console/i18n.js";

const POLL_MS = 5000;
const AMBER_S = 60, RED_S = 600;
let timer = null, last = null;

// The badge of a health "central" block: null (hidden) or {level, text, title}. Pure: the browser test reads it.
export function badgeOf(c, t = T()) {
  if (!c) return null;
  const behind = c.behind ?? 0, secs = c.behind_s ?? 0;
  const age = secs < 60 ? (lang === "en" ? `${Math.round(secs)} s` : `${Math.round(secs)}秒`) : span(secs * 1000);
  const lag = behind ? t.cityBehind(behind.toLocaleString(), age) : "";
  const title = [c.url, c.last_ok_at ? t.cityLastOk(new Date(c.last_ok_at).toLocaleString()) : "", c.error || ""]
    .filter(Boolean).join("\n");
  if (c.state === "retrying" || c.state === "stopped") {
    return { level: "red", text: t.cityDown + (lag ? " · " + lag : ""), title };
  }
  if (c.state === "starting" && !c.last_ok_at) return { level: "amber", text: t.cityConnecting, title };
  if (!behind) return { level: "green", text: t.citySynced, title };
  return { level: secs >= RED_S ? "red" : secs >= AMBER_S ? "amber" : "green", text: `${t.city} · ${lag}`, title };
}

function render() {
  const el = document.getElementById("centralBadge");
  if (!el) return;
  const b = badgeOf(last);
  el.hidden = !b;
  if (!b) return;
  el.textContent = b.text; el.title = b.title; el.dataset.level = b.level;
}

async function poll() {
  try {
    const resp = await fetch("/api/health", { cache: "no-store" });
    if (resp.ok) { last = (await resp.json()).central || null; render(); }
  } catch (e) { /* the hall server itself is away: the connection banner says so */ }
}

export function start() { stop(); poll(); timer = setInterval(poll, POLL_MS); }
export function stop() { clearInterval(timer); timer = null; }
export function relabel() { render(); }
