// The supervisor console's shell: login, tabs, the live hall (tiles, services, totals) and devices.
// Live state comes from the shared link (../link.js); alerts, inbox, reports and accounts are modules.
import { HallLink, renderBanner, wsUrl } from "/static/link.js";
import { api, login, setCsrf, whenEnded } from "/static/console/api.js";
import { T, lang, setLang, nameOf, listText, clockText, mins } from "/static/console/i18n.js";
import * as alerts from "/static/console/alerts.js";
import * as inbox from "/static/console/inbox.js";
import * as reports from "/static/console/reports.js";
import * as users from "/static/console/users.js";
import * as actions from "/static/console/actions.js";
import * as people from "/static/console/people.js";
import * as central from "/static/console/central.js";
import * as config from "/static/console/config.js";
import * as dayops from "/static/console/dayops.js";

const $ = id => document.getElementById(id);
export const S = {
  me: null, hall: null, day: null, skew: 0, version: null,
  windows: new Map(), tickets: new Map(), services: new Map(), devices: new Map(),
  clerks: {}, levels: {}, tab: "live",
};
const ACTIVE = new Set(["waiting", "called", "serving", "suspended"]);
let link = null;
export const hallNow = () => Date.now() + S.skew;
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
export function toast(text) {
  const t = $("toast"); t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}
// A panel's message line (its element id): the text in green, or red when bad; a toast as well. Empty: hidden.
export function say(id, text, bad = false) {
  const m = $(id); m.textContent = text; m.className = bad ? "error" : "ok"; m.hidden = !text;
  if (text) toast(text);
}
export function clerkName(staffId) { return staffId ? (S.clerks[staffId] || staffId) : T().noClerk; }
export function windowName(id) {
  const w = S.hall && S.hall.windows.find(x => x.id === id);
  return w ? nameOf(w) : (id == null ? "—" : String(id));
}
export function serviceName(code) {
  const s = S.hall && S.hall.services.find(x => x.code === code);
  return s ? nameOf(s) : code;
}

// ------------------------------------------------------------ sound: a short WebAudio beep
let audio = null;
export function beep(times = 2) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    for (let i = 0; i < times; i++) {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; o.connect(g); g.connect(audio.destination);
      const t0 = audio.currentTime + i * 0.3;
      g.gain.setValueAtTime(0.25, t0); g.gain.exponentialRampToValueAtTime(0.001, t0 + 0.25);
      o.start(t0); o.stop(t0 + 0.26);
    }
    window.hallqBeeps = (window.hallqBeeps || 0) + 1;  // for the browser tests
  } catch (e) { /* no sound card: the badge still counts */ }
}

// ------------------------------------------------------------ texts
function applyTexts() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.title = T().title;
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = T()[e.dataset.t];
  people.relabel(); config.relabel();
  $("langBtn").textContent = lang === "en" ? "中文" : "English";
  if (S.hall) $("hallName").textContent = `${nameOf(S.hall)} · ${T().title}`;
  if (S.me) $("userName").textContent = `${S.me.name} (${T().roles[S.me.role] || S.me.role})`;
  central.relabel(); dayops.relabel();
}

// ------------------------------------------------------------ login and session
async function start() {
  applyTexts();
  whenEnded(ended);
  try {
    const me = await api("/console/api/me");
    enter(me);
  } catch (e) { showLogin(); }
}
function showLogin(message) {
  $("appView").hidden = true; $("loginView").hidden = false;
  $("loginError").hidden = !message; $("loginError").textContent = message || "";
  $("username").focus();
}
$("loginForm").addEventListener("submit", async ev => {
  ev.preventDefault();
  try {
    const me = await login($("username").value.trim(), $("password").value);
    $("password").value = "";
    enter(me);
  } catch (e) {
    showLogin(e.code === "locked_out" ? T().lockedOut : T().loginFailed);
  }
});
// Back to the login form: the link and the panels' polling stop.
function leave(message) {
  S.me = null;
  if (link) link.stop();
  alerts.stop(); inbox.stop(); central.stop();
  showLogin(message);
}
function ended() { if (S.me) leave(T().sessionEnded); }
$("logoutBtn").addEventListener("click", async () => {
  try { await api("/console/api/logout", { method: "POST" }); } catch (e) { /* gone already */ }
  leave();
});
$("langBtn").addEventListener("click", () => {
  setLang(lang === "en" ? "zh" : "en");
  applyTexts();
  if (S.started) { reports.init(); inbox.relabel(); users.init(); actions.init(); people.init(); people.show(S.tab); config.init(); dayops.init(); if (S.tab === "config") config.show(); }
  renderAll();
  if (S.tab === "reports") reports.show();
});

async function enter(me) {
  S.me = me; setCsrf(me.csrf);
  applyTexts();
  $("loginView").hidden = true; $("appView").hidden = false;
  for (const e of document.querySelectorAll("[data-admin]")) e.hidden = me.role !== "admin";
  await loadClerks();
  link = new HallLink(wsUrl(), {
    snapshot: applySnapshot, change: applyChange,
    state: (state, l) => renderBanner($("banner"), l, T()),
    ended,
  }).start();
  S.started = false;  // the panels start at the first snapshot: they need the hall's day
  central.start();
}
async function loadClerks() {
  try { S.clerks = await api("/console/api/clerks", { background: true }); } catch (e) { /* names later */ }
}

// ------------------------------------------------------------ tabs
function showTab(tab) {
  if (!document.getElementById("tab-" + tab) || (["users", "audit", "config", ...Object.keys(people.TABS), ...Object.keys(dayops.TABS)].includes(tab) && S.me.role !== "admin")) tab = "live";
  S.tab = tab;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + tab;
  if (tab === "reports") reports.show();
  if (tab === "users") users.show();
  people.show(tab); dayops.show(tab);
  if (tab === "config") config.show();
  if (tab === "actions") actions.render();
  if (tab === "audit") actions.audit();
  if (tab === "alerts") alerts.render();
  if (tab === "inbox") inbox.render();
  if (tab === "devices") renderDevices();
}
$("tabs").addEventListener("click", ev => {
  const b = ev.target.closest("button");
  if (b) { location.hash = b.dataset.tab; showTab(b.dataset.tab); }
});

// ------------------------------------------------------------ live state
// Timings for the benchmark (tests/console/test_console_speed.py): ms to apply a change and draw it.
window.hallqPerf = { changes: [], firstRender: null };
let changeMs = 0;
function applySnapshot(snap) {
  S.hall = snap.hall; S.day = snap.day; S.skew = Date.parse(snap.now) - Date.now();
  // The hall's UTC offset, as its clock writes it ("+08:00", or "Z"): the times the console sends are the hall's.
  S.offset = !snap.now ? "+08:00" : snap.now.endsWith("Z") ? "Z" : snap.now.slice(-6);
  S.windows = new Map(snap.windows.map(w => [w.id, w]));
  S.tickets = new Map(snap.tickets.map(t => [t.id, t]));
  S.services = new Map(snap.services.map(s => [s.code, s]));
  S.devices = new Map(snap.devices.map(d => [d.name, d]));
  S.notice = snap.notice || null;
  applyTexts();
  loadLevels();
  if (!S.started) {
    S.started = true;
    alerts.start(); inbox.start(); reports.init(); users.init(); actions.init(); people.init(); config.init(); dayops.init();
    showTab(location.hash.slice(1) || S.tab);
  }
  renderAll();
  if (window.hallqPerf.firstRender === null) window.hallqPerf.firstRender = performance.now();
  alerts.poll();
}
function applyChange(ch) {
  const t0 = performance.now();
  for (const w of ch.windows) {
    S.windows.set(w.id, w);
    if (w.clerk && !(w.clerk in S.clerks)) loadClerks().then(scheduleRender);
  }
  for (const t of ch.tickets) { if (ACTIVE.has(t.status)) S.tickets.set(t.id, t); else S.tickets.delete(t.id); }
  for (const s of ch.services) S.services.set(s.code, s);
  for (const d of ch.devices) S.devices.set(d.name, d);
  if (ch.notice) S.notice = ch.notice.text_zh || ch.notice.text_en ? ch.notice : null;  // empty: taken down
  if (ch.events.some(e => e.type === "day_started")) { S.tickets.clear(); }
  inbox.onChange(ch);
  if (ch.events.some(e => e.type === "ticket_called" || e.type === "ticket_finished")) loadLevelsSoon();
  scheduleRender();
  alerts.poll();
  changeMs += performance.now() - t0;
}
let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const t0 = performance.now();
    renderAll();
    window.hallqPerf.changes.push(changeMs + performance.now() - t0);
    changeMs = 0;
  });
}
function renderAll() {
  if (!S.hall) return;
  renderTiles(); renderServices(); renderDevicesIfShown();
  if (S.tab === "alerts") alerts.render();
  if (S.tab === "inbox") inbox.render();
  if (S.tab === "actions") actions.render();
}
export function renderDevicesIfShown() { if (S.hall && S.tab === "devices") renderDevices(); }

// Today's service level per service, from the services report (live for today).
let levelsTimer = null;
async function loadLevels() {
  if (!S.day) return;
  try {
    const rep = await api(`/api/reports/services?from=${S.day}&to=${S.day}&lang=${lang}`, { background: true });
    const table = rep.tables[0];
    S.levels = {};
    for (const r of table.rows) if (r.service) S.levels[r.service] = r.service_level;
    renderServices();
  } catch (e) { /* shown as — */ }
}
function loadLevelsSoon() { clearTimeout(levelsTimer); levelsTimer = setTimeout(loadLevels, 3000); }
setInterval(() => { if (S.me) loadLevels(); }, 60000);

// A stored pause reason ("休息", or "休息：a note") in the console's language: the hall's list has its English.
function pauseText(stored) {
  const [reason, ...note] = stored.split("：");
  const en = listText(reason, S.hall?.pause_reasons, S.hall?.pause_reasons_en, null);
  if (en === null) return stored;
  return note.length ? `${en}: ${note.join("：")}` : en;
}
const bracket = s => (lang === "en" ? ` (${s})` : `（${s}）`);

function tileState(w, t) {
  if (w.status === "closed") return ["closed", T().closed];
  if (w.status === "paused") return ["paused", `${T().paused}${w.pause_reason ? bracket(pauseText(w.pause_reason)) : ""}`];
  if (t && t.status === "serving") return ["serving", T().serving];
  if (t && t.status === "called") return ["called", T().called];
  return ["idle", T().idle];
}
function renderTiles() {
  const box = $("tiles");
  const frag = document.createDocumentFragment();
  for (const wc of S.hall.windows) {
    const w = S.windows.get(wc.id) || { id: wc.id, status: "closed" };
    const t = w.current ? S.tickets.get(w.current) : null;
    const [cls, label] = tileState(w, t);
    const tile = el("div", "tile " + cls);
    tile.dataset.window = wc.id;
    tile.append(el("div", "sign", nameOf(wc)), el("div", "clerk", w.clerk ? clerkName(w.clerk) : T().noClerk),
                el("div", "state", label));
    const timer = el("span", "timer");
    if (t && t.serving_at) { timer.dataset.since = t.serving_at; timer.dataset.service = t.service; }
    tile.append(timer, el("div", "num", t ? t.number : " "));
    if (S.me && w.status !== "closed") {  // remote 签退, supervisor or admin (audited by the server)
      const out = el("button", "signout", T().signOut);
      out.addEventListener("click", async () => {
        if (!confirm(T().signOutConfirm(nameOf(wc), clerkName(w.clerk)))) return;
        try { await api(`/api/windows/${wc.id}/sign-out`, { method: "POST", body: {} }); }
        catch (e) { toast(`${e.code || ""} ${e.message}`); }
      });
      tile.append(out);
    }
    frag.append(tile);
  }
  box.replaceChildren(frag);
  tickTimers();
}
function tickTimers() {
  const now = hallNow();
  const timers = document.querySelectorAll("#tiles .timer[data-since]");
  if (!timers.length) return;
  const byCode = new Map(S.hall.services.map(s => [s.code, s]));
  for (const e of timers) {
    const ms = now - Date.parse(e.dataset.since);
    const svc = byCode.get(e.dataset.service);
    e.textContent = clockText(ms);
    const m = ms / 60000;
    e.classList.toggle("red", !!svc && m >= svc.alert_minutes);
    e.classList.toggle("amber", !!svc && m >= svc.warn_minutes && m < svc.alert_minutes);
  }
}
function renderServices() {
  if (!S.hall) return;
  const now = hallNow();
  // One pass over the waiting tickets: per service, how many and the oldest arrival (ms).
  const queued = new Map();
  let waitingCount = 0;
  for (const t of S.tickets.values()) {
    if (t.status !== "waiting") continue;
    waitingCount++;
    const at = Date.parse(t.arrival_at), q = queued.get(t.service);
    if (q) { q.count++; if (at < q.oldest) q.oldest = at; } else queued.set(t.service, { count: 1, oldest: at });
  }
  const rows = [[T().service, T().waiting, T().longest, T().estimated, T().level, T().windowsOpen]];
  const table = $("services");
  const head = el("tr"); for (const h of rows[0]) head.append(el("th", null, h));
  const body = [head];
  for (const svc of S.hall.services) {
    const st = S.services.get(svc.code) || {};
    const q = queued.get(svc.code) || { count: 0, oldest: null };
    const oldest = q.oldest;
    const level = S.levels[svc.code];
    const tr = el("tr"); tr.dataset.service = svc.code;
    tr.append(el("td", null, nameOf(svc)), el("td", "n", st.waiting ?? q.count),
              el("td", "n", oldest ? `${mins(now - oldest)} ${T().min}` : "—"),
              el("td", "n", st.estimated_wait_minutes != null ? `${st.estimated_wait_minutes} ${T().min}` : "—"),
              el("td", "n", level != null ? `${(level * 100).toFixed(1)}%` : "—"), el("td", "n", st.windows_open ?? "—"));
    body.push(tr);
  }
  table.replaceChildren(...body);
  const all = [...S.services.values()];
  const serving = [...S.tickets.values()].filter(t => t.status === "serving").length;
  const staffed = [...S.windows.values()].filter(w => w.status !== "closed").length;
  const tot = $("totals");
  tot.replaceChildren();
  for (const [label, value] of [[T().issued, all.reduce((a, s) => a + (s.issued || 0), 0)],
                                [T().waiting, waitingCount], [T().servingNow, serving]]) {
    const d = el("span", null, label + " "); d.append(el("b", null, value)); tot.append(d);
  }
  tot.append(el("span", null, T().windowsOpenOf(staffed, S.hall.windows.length)));
}
function renderDevices() {
  const table = $("deviceList");
  const head = el("tr");
  for (const h of [T().device, T().kind, T().state, T().detail, T().since, T().lastReport, T().version]) head.append(el("th", null, h));
  const when = t => t ? new Date(t).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { timeZone: S.hall.timezone }) : "—";
  const rows = [head];
  for (const d of [...S.devices.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const tr = el("tr"); tr.dataset.device = d.name;
    const health = (S.health || {})[d.name] || {};
    const status = health.status || d.state;  // "stale": it stopped reporting (3 missed heartbeats)
    tr.dataset.status = status;
    tr.append(el("td", null, d.name), el("td", null, d.kind), el("td", status === "ready" ? "" : "error",
              T().deviceStates[status] || status), el("td", null, d.detail),
              el("td", null, when(d.since)), el("td", null, when(health.seen || (S.seen || {})[d.name])),
              el("td", null, health.version || "—"));
    rows.push(tr);
  }
  if (rows.length === 1) { const tr = el("tr"); const td = el("td", "muted", T().noDevices); td.colSpan = 7; tr.append(td); rows.push(tr); }
  table.replaceChildren(...rows);
}
setInterval(() => {
  if (!S.hall) return;
  tickTimers();
  $("clock").textContent = new Date(hallNow()).toLocaleTimeString(lang === "en" ? "en-GB" : "zh-CN", { timeZone: S.hall.timezone });
}, 1000);
setInterval(() => { if (S.hall && S.tab === "live") renderServices(); }, 15000);

start();
