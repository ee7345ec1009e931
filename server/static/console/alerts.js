// 超时预警: the server computes the alerts (queuecore.alerts); this shows them, beeps at new ones, counts
// the unacknowledged in a badge and sends a supervisor's acknowledgement with its note (audited).
import { api } from "/static/console/api.js";
import { T, span } from "/static/console/i18n.js";
import { S, beep, el, renderDevicesIfShown, serviceName, toast, windowName } from "/static/console/app.js";

let list = [];
let seen = null;  // alert ids already announced (null until the first poll: no beep for what was already there)
let timer = null, queued = null, busy = false;
const $ = id => document.getElementById(id);

export function start() { seen = null; list = []; clearInterval(timer); timer = setInterval(() => poll(), 2000); poll(); }
export function stop() { clearInterval(timer); timer = null; }

// Soon after a change (several changes in a burst make one request).
export function poll() {
  if (queued) return;
  queued = setTimeout(async () => {
    queued = null;
    if (busy || !S.me) return;
    busy = true;
    try {
      const data = await api("/console/api/alerts", { background: true });
      list = data.alerts;
      S.seen = data.devices_seen || {};
      S.health = data.devices_health || {};  // last heartbeat, version, status ("stale": 3 missed)
      const fresh = list.filter(a => !a.ack && seen !== null && !seen.has(a.id));
      seen = new Set(list.map(a => a.id));
      if (fresh.length) beep(fresh.some(a => a.severity === "red") ? 3 : 2);
      badge();
      if (S.tab === "alerts") render();
      renderDevicesIfShown();
    } catch (e) { /* next poll */ } finally { busy = false; }
  }, 150);
}

function badge() {
  const open = list.filter(a => !a.ack).length;
  const b = $("alertBadge");
  b.textContent = open; b.hidden = open === 0;
}

function describe(a) {
  const parts = [];
  if (a.ticket) parts.push(a.ticket);
  if (a.service) parts.push(serviceName(a.service));
  if (a.window != null) parts.push(windowName(a.window));
  if (a.device) parts.push(a.device);
  if (a.kind === "device") parts.push(T().deviceStates[a.detail] || a.detail);
  else if (a.kind === "unserved_queue") parts.push(`${T().waiting} ${a.detail}`);
  else if (a.detail) parts.push(a.detail);
  if (a.minutes != null) parts.push(span(a.minutes * 60000) + (a.limit_minutes != null ? ` / ${span(a.limit_minutes * 60000)}` : ""));
  return parts.join(" · ");
}

export function render() {
  const box = $("alertList");
  if (!list.length) { box.replaceChildren(el("p", "muted", T().noAlerts)); return; }
  const focused = document.activeElement && document.activeElement.dataset.alert;
  const kept = focused ? document.activeElement.value : "";
  box.replaceChildren(...list.map(a => {
    const row = el("div", `alert ${a.severity}${a.ack ? " acked" : ""}`);
    row.dataset.alert = a.id;
    row.append(el("span", "sev", T()[a.severity]), el("b", null, T().alertKinds[a.kind] || a.kind),
               el("span", "what", describe(a)));
    if (a.ack) row.append(el("span", "muted", `${T().acked}: ${a.ack.actor.split(":").pop()} · ${a.ack.note}`));
    else {
      const note = el("input"); note.placeholder = T().ackNote; note.dataset.alert = a.id;
      const btn = el("button", null, T().ack);
      btn.addEventListener("click", () => ack(a.id, note));
      note.addEventListener("keydown", ev => { if (ev.key === "Enter") ack(a.id, note); });
      row.append(note, btn);
      if (focused === a.id) { note.value = kept; setTimeout(() => note.focus(), 0); }
    }
    return row;
  }));
}

async function ack(id, input) {
  const note = input.value.trim();
  if (!note) { input.focus(); return; }
  try {
    const done = await api(`/console/api/alerts/${encodeURIComponent(id)}/ack`, { method: "POST", body: { note } });
    const a = list.find(x => x.id === id);
    if (a) a.ack = done;
    badge(); render();
  } catch (e) { toast(e.message); }
}
