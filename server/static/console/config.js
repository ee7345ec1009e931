// Hall configuration (admin): services (kiosk tile order), windows (services in preference order), ticket classes,
// outcomes, reason lists, notices, rules with their meaning, the working-day calendar, the history, export and import.
// Every change is a list of ops (queuecore/configedit.py) sent with the version it was made on (base_version); the
// server decides. A refusal is shown in words: someone else changed it (your change is kept and shown against the
// latest), a conflict with today's hall (resend it for the next business day), or an invalid result.
import { api } from "/static/console/api.js";
import { lang } from "/static/console/i18n.js";
import { C } from "/static/console/config_i18n.js";
import { when } from "/static/console/people_i18n.js";
import { S, el, toast } from "/static/console/app.js";

const $ = id => document.getElementById(id);
const SUBS = ["services", "windows", "lists", "rules", "calendar", "history"];
const TABLES = { service: "services", window: "windows", priority: "priorities", outcome: "outcomes", bundle: "bundles" };
const KEYS = { service: "code", window: "id", priority: "code", outcome: "code", bundle: "code" };
const RULES = ["priority_ratio", "preference_max_wait_minutes", "skip_grace_minutes", "requeue_places",
               "suspend_expire_minutes", "transfer_keeps_arrival", "appointment_early_minutes",
               "appointment_late_minutes", "followup_contact_days", "followup_rectify_days"];
const REASONS = ["rating_reasons", "pause_reasons", "close_reasons"];
let view = null;        // GET /api/config: {config_version, config, pending, day}
let sub = "services";
let form = null;        // the open add/edit form: {kind, key} (kept open while a change is refused)

// ------------------------------------------------------------ small builders
function button(text, onclick, cls) {
  const b = el("button", cls, text); b.type = "button"; if (onclick) b.addEventListener("click", onclick); return b;
}
function input(name, value, { type = "text", ph = "", size } = {}) {
  const i = el("input"); i.name = name; i.type = type;
  if (value !== undefined && value !== null) i.value = value;
  if (ph) i.placeholder = ph;
  if (size) i.size = size;
  return i;
}
function box(tag, cls, ...children) { const e = el(tag, cls); e.append(...children); return e; }
function field(label, control, hint) {
  const l = el("label", "cfg-field"); l.append(el("span", null, label), control);
  if (hint) l.append(el("small", "muted", hint));
  return l;
}
function table(headers, rows, id) {
  const t = el("table", "grid cfg-table"); if (id) t.id = id;
  const head = el("tr"); for (const h of headers) head.append(el("th", null, h));
  t.append(head, ...rows);
  return t;
}
const cfg = () => view.config;
const nm = (o, zh = "name_zh", en = "name_en") => (o ? (lang === "en" ? o[en] || o[zh] : o[zh] || o[en]) : "");
const svcName = code => nm(cfg().services.find(s => s.code === code)) || code;
// An item's name in the console's language; a bundle without an English name reads as its steps' (as the model does).
const itemName = (kind, item) => (kind === "bundle" && lang === "en" && !item.name_en
  ? (item.steps || []).map(svcName).join(" + ") : nm(item));
const keyLabel = (kind, key) => {
  const item = (cfg()[TABLES[kind]] || []).find(x => x[KEYS[kind]] === key);
  return item ? `${itemName(kind, item)}${kind === "window" ? "" : ` (${key})`}` : String(key);
};

// A list of paired lines (zh, en): materials, reasons. read() -> [zh[], en[]] without empty lines.
function pairEditor(name, zh = [], en = []) {
  const box = el("div", "pairs"); box.dataset.pairs = name;
  const rows = el("div");
  const add = (a = "", b = "") => {
    const r = el("div", "pair");
    const x = input(`${name}_zh`, a, { ph: C().zh }), y = input(`${name}_en`, b, { ph: C().en });
    r.append(x, y, button("✕", () => r.remove(), "mini"));
    rows.append(r);
    return x;
  };
  const n = Math.max(zh.length, en.length);
  for (let i = 0; i < n; i++) add(zh[i] || "", en[i] || "");
  box.append(rows, button(C().addLine, () => add().focus(), "mini add-line"));
  box.read = () => {
    const out = [[], []];
    for (const r of rows.children) {
      const [x, y] = r.querySelectorAll("input");
      if (!x.value.trim() && !y.value.trim()) continue;
      out[0].push(x.value.trim()); out[1].push(y.value.trim());
    }
    return out;
  };
  return box;
}

// ------------------------------------------------------------ set-up, loading, the bar
export function relabel() { const b = document.querySelector('#tabs button[data-tab="config"]'); if (b) b.textContent = C().tabConfig; }

export function init() {
  relabel();
  const sec = $("tab-config");
  if (!sec) return;
  const note = input("note", "", { ph: C().notePh, size: 40 }); note.id = "cfgNote";
  const file = input("toml", undefined, { type: "file" }); file.id = "cfgFile"; file.accept = ".toml,text/plain";
  file.hidden = true;  // the browser's own "Choose File" speaks the browser's language, not the console's
  const pick = el("label", "btn", C().importPick); pick.append(file);
  const picked = el("span", "muted file-name"); picked.id = "cfgFileName";
  file.addEventListener("change", () => { picked.textContent = file.files.length ? file.files[0].name : ""; });
  const go = button(C().importGo, () => importFile(file)); go.id = "cfgImport";
  const exp = el("a", "btn", C().exportToml); exp.href = "/api/config/export"; exp.id = "cfgExport";
  const bar = el("div", "bar cfg-bar");
  const ver = el("b"); ver.id = "cfgVersion";
  const reload = button(C().reload, () => { form = null; say(""); load().then(render); }); reload.id = "cfgReload";
  bar.append(ver, reload, el("span", "sep"),
             field(C().note, note), el("span", "sep"), exp,
             el("span", "muted", C().importToml), pick, picked, go);
  bar.querySelector("label").classList.add("inline");
  const pending = el("div", "cfg-pending"); pending.id = "cfgPending";
  const subs = el("nav", "cfg-subs"); subs.id = "cfgSubs";
  for (const s of SUBS) {
    const b = button(C().subs[s], () => { sub = s; form = null; render(); check(); }); b.dataset.sub = s; subs.append(b);
  }
  const msg = el("div", "cfg-msg"); msg.id = "cfgMsg"; msg.hidden = true;
  const panel = el("div", "cfg-panel"); panel.id = "cfgPanel";
  sec.replaceChildren(bar, pending, subs, msg, panel);
  if (view) render();
}

export async function show() {
  if (!S.me || S.me.role !== "admin") return;
  if (await load()) render();
}

async function load() {
  try { view = await api("/api/config"); return true; }
  catch (e) { say(`${e.code || ""} ${e.message}`, true); return false; }
}

// Someone else's change shows while the screen is open (a look on every sub-tab switch and every 20 s); saving on the
// old version would be refused with config_changed anyway.
async function check() {
  if (!view || !S.me || S.me.role !== "admin" || S.tab !== "config" || document.hidden) return;
  let now;
  try { now = await api("/api/config", { background: true }); } catch (e) { return; }
  if (now.config_version === view.config_version) return;
  const p = $("cfgPending");
  if (!p || p.querySelector(".cfg-stale")) return;
  const warn = el("div", "cfg-stale", C().stale(view.config_version, now.config_version)); warn.id = "cfgStale";
  warn.append(button(C().reload, () => { form = null; load().then(render); }, "mini"));
  p.prepend(warn);
}
setInterval(check, 20000);

function say(text, bad = false) {
  const m = $("cfgMsg"); if (!m) return;
  m.replaceChildren(); m.hidden = !text; m.className = "cfg-msg " + (bad ? "bad" : "ok");
  if (text) { m.append(el("p", null, text)); toast(text); }
}

function renderBar() {
  $("cfgVersion").textContent = C().version(view.config_version);
  const p = $("cfgPending");
  p.replaceChildren(el("span", "muted", view.pending.length ? C().pending(view.pending.length) : C().noPending));
  for (const item of view.pending) {
    const row = el("div", "pending-item", C().pendingItem(item.config_version, describe(item.ops)));
    const withdraw = el("button", "small", C().withdraw);  // the server's "unschedule" op: a change of its own
    withdraw.dataset.withdraw = item.config_version;
    withdraw.onclick = () => send({ ops: [{ op: "unschedule", key: item.config_version }] });
    row.append(" ", withdraw);
    p.append(row);
  }
}

function render() {
  if (!view || !$("cfgPanel")) return;
  renderBar();
  for (const b of $("cfgSubs").children) b.classList.toggle("active", b.dataset.sub === sub);
  const panel = $("cfgPanel");
  panel.dataset.sub = sub;
  panel.replaceChildren(...({ services, windows, lists, rules, calendar, history })[sub]());
}

// ------------------------------------------------------------ describing a change
function describeOp(op, past = false) {
  const k = C().kinds[op.kind] || op.kind;
  if (op.op === "replace") return C().ops.replace;
  if (op.op === "unschedule") return C().ops.unschedule(op.key);
  if (op.op === "set") {
    const v = op.value || {};
    if (op.kind === "rules") return C().ops.setFields(k, Object.entries(v).map(([f, x]) => `${C().ruleNames[f] || f} → ${yesNo(x)}`));
    if (op.kind === "hall") {
      const fields = Object.keys(v).filter(f => !(f.endsWith("_en") && REASONS.includes(f.slice(0, -3)) && f.slice(0, -3) in v));
      return C().ops.setFields(k, fields.map(labelOfHallField));
    }
    if (op.kind === "calendar") return C().ops.calendar((v.holidays || []).length, (v.workdays || []).length);
    return C().ops.set(labelOfHallField(op.kind));
  }
  if (op.op === "put" && past) {  // the history: whether it was new then is not known now
    const key = op.value ? op.value[KEYS[op.kind]] : op.key;
    return C().ops.save(k, keyLabel(op.kind, key) === String(key) ? `${itemName(op.kind, op.value || {}) || key}` : keyLabel(op.kind, key));
  }
  if (op.op === "put") {
    const key = op.value ? op.value[KEYS[op.kind]] : op.key;
    const cur = (cfg()[TABLES[op.kind]] || []).find(x => x[KEYS[op.kind]] === key);
    const isNew = !cur;
    if (cur && op.kind === "window" && cur.open !== op.value.open &&
        JSON.stringify({ ...cur, open: op.value.open }) === JSON.stringify(op.value)) {
      return (op.value.open === false ? C().ops.close : C().ops.open)(keyLabel("window", key));
    }
    return C().ops.put(k, isNew ? (itemName(op.kind, op.value || {}) || key) : keyLabel(op.kind, key), isNew);
  }
  if (op.op === "remove") return C().ops.remove(k, keyLabel(op.kind, op.key));
  if (op.op === "move") return C().ops.move(k, keyLabel(op.kind, op.key), op.index);
  return `${op.op} ${op.kind}`;
}
const describe = ops => ops.map(describeOp).join("; ");
function labelOfHallField(f) {
  const map = { name_zh: C().hallNameZh, name_en: C().hallNameEn, timezone: C().timezone, public_base_url: C().publicUrl,
                default_outcome: C().defaultOutcome, kiosk_notice_zh: C().kioskZh, kiosk_notice_en: C().kioskEn,
                display_notice_zh: C().displayZh, display_notice_en: C().displayEn };
  for (const r of REASONS) { map[r] = C().reasonLists[r]; map[`${r}_en`] = `${C().reasonLists[r]} (${C().en})`; }
  return map[f] || f;
}
const yesNo = v => (v === true ? C().yes : v === false ? C().no : v === null ? "—" : String(v));
const show1 = v => (v === undefined ? "—" : Array.isArray(v) ? v.join(", ") : v === null ? "—" : String(v));

// What an op would change against the latest configuration: "field: latest → yours" lines.
function diffLines(op, latest) {
  const lines = [];
  const cmp = (cur, mine, fields) => {
    for (const f of fields) {
      if (JSON.stringify(cur ? cur[f] : undefined) !== JSON.stringify(mine[f])) {
        lines.push(`${f}: ${C().diffWas} ${show1(cur ? cur[f] : undefined)} → ${C().diffMine} ${show1(mine[f])}`);
      }
    }
  };
  if (op.op === "put") {
    const cur = (latest[TABLES[op.kind]] || []).find(x => x[KEYS[op.kind]] === op.value[KEYS[op.kind]]);
    cmp(cur, op.value, [...new Set([...Object.keys(op.value), ...Object.keys(cur || {})])]);
  } else if (op.op === "set" && (op.kind === "rules" || op.kind === "hall")) {
    cmp(latest[op.kind], op.value, Object.keys(op.value));
  } else if (op.op === "set" && op.kind === "calendar") {
    cmp(latest.calendar, op.value, ["holidays", "workdays"]);
  } else if (op.op === "set") {
    cmp(latest.hall, { [op.kind]: op.value }, [op.kind]);
  } else if (op.op === "remove" || op.op === "move") {
    if (!(latest[TABLES[op.kind]] || []).some(x => x[KEYS[op.kind]] === op.key)) lines.push(C().gone);
  }
  return lines.length ? lines : [C().noDiff];
}

// ------------------------------------------------------------ sending a change, and its refusals
// change: {ops} or {text, fileName} (an import); sent on the version loaded.
let busy = false;  // one change at a time: a double click must not come back as "someone else changed it"
async function send(change, effective = "now") {
  if (busy) return false;
  busy = true;
  try { return await sendNow(change, effective); } finally { busy = false; }
}
async function sendNow(change, effective) {
  const note = $("cfgNote").value.trim();
  const base = view.config_version;
  const m = $("cfgMsg"); m.hidden = false; m.className = "cfg-msg"; m.replaceChildren(el("p", "muted", C().sending));
  let r;
  try {
    if (change.text !== undefined) {
      const q = new URLSearchParams({ base_version: base, effective, note });
      const resp = await fetch(`/api/config/import?${q}`, { method: "POST", credentials: "same-origin", body: change.text,
        headers: { "X-CSRF-Token": S.me.csrf, "Content-Type": "text/plain; charset=utf-8" } });
      const data = await resp.json();
      if (!resp.ok) { const e = new Error(data.message); Object.assign(e, { code: data.code, details: data.details, status: resp.status }); throw e; }
      r = data;
    } else {
      r = await api("/api/config", { method: "POST", body: { base_version: base, ops: change.ops, effective, note } });
    }
  } catch (e) {
    await refused(e, change, base);
    return false;
  }
  const what = change.text !== undefined ? C().ops.replace : describe(change.ops);
  $("cfgNote").value = "";
  form = null;
  await load();
  render();
  say(change.text !== undefined ? C().imported(r.config_version, r.effective)
      : (r.effective === "next_day" ? C().scheduled : C().applied)(r.config_version, what));
  return true;
}

function conflictText(c, change) {
  const T = C().conflicts;
  const msg = c.message || "";
  if (c.code === "service_has_tickets") {
    const m = /has (\d+) open tickets? today \(([^)]*)\)/.exec(msg);
    const mine = [...S.tickets.values()].filter(t => t.service === c.key);
    return T.service_has_tickets(keyLabel("service", c.key), m ? Number(m[1]) : mine.length,
                                 m ? m[2] : mine.map(t => t.number).join(", "));
  }
  if (c.code === "service_has_appointments") {
    const m = /has (\d+) appointments/.exec(msg);
    return T.service_has_appointments(keyLabel("service", c.key), m ? Number(m[1]) : "");
  }
  if (c.code === "window_serving_service") {
    const m = /(?:serving|holds) (.*?)(?:;|$)/.exec(msg);
    return T.window_serving_service(keyLabel("window", c.key), m ? m[1] : "");
  }
  if (c.code === "window_open") {
    const w = S.windows.get(c.key);
    const closing = (change.ops || []).some(op => op.op === "put" && op.kind === "window" && op.value && op.value.id === c.key);
    return (closing ? T.window_closing : T.window_open)(keyLabel("window", c.key), w && w.clerk ? (S.clerks[w.clerk] || w.clerk) : "");
  }
  const kind = { prefix_in_use: "service", priority_in_use: "priority", bundle_in_use: "bundle", outcome_in_use: "outcome" }[c.code];
  if (T[c.code]) return T[c.code](kind ? keyLabel(kind, c.key) : c.key);
  return `${c.code}: ${msg}`;
}

// The server's reasons for an invalid configuration ("; "-joined, in English) in words; unknown ones as they are.
const INVALID = [
  [/^duplicate service code '(.+)'$/, (I, m) => I.dupCode(m[1])],
  [/^duplicate service prefix '(.+)'$/, (I, m) => I.dupPrefix(m[1])],
  [/^duplicate window id (\d+)$/, (I, m) => I.dupWindow(m[1])],
  [/^duplicate (priority|outcome|bundle) code '(.+)'$/, (I, m) => I.dupCode(m[2])],
  [/^window (\d+): serves no service$/, (I, m) => I.windowEmpty(keyLabel("window", Number(m[1])))],
  [/^window (\d+): unknown service '(.+)'$/, (I, m) => I.windowUnknown(keyLabel("window", Number(m[1])), m[2])],
  [/^bundle (\S+): unknown service '(.+)'$/, (I, m) => I.bundleUnknown(m[1], m[2])],
  [/^bundle (\S+): needs at least two steps/, (I, m) => I.bundleSteps(m[1])],
  [/^service (\S+): prefix must be capital letters/, (I, m) => I.prefix(m[1])],
  [/^service (\S+): digits must be/, (I, m) => I.digits(m[1])],
  [/^service (\S+): materials_en has/, (I, m) => I.materials(m[1])],
  [/^hall: (\w+)_en has \d+ items/, (I, m) => I.reasons(C().reasonLists[m[1]] || m[1])],
  [/^priorities: at least one class/, I => I.needNormal],
  [/^rules: 1 <= followup_contact_days/, I => I.followup],
  [/^rules: priority_ratio >= 1/, I => I.ruleRange],
  [/^hall: unknown timezone '(.+)'$/, (I, m) => I.timezone(m[1])],
  [/^hall: default_outcome '(.+)' is not in the outcomes$/, (I, m) => I.defaultOutcome(m[1])],
  [/^outcome '(.+)': the code is reserved/, (I, m) => I.reserved(m[1])],
  [/^outcomes: the list is empty$/, I => I.noOutcomes],
  [/^calendar: (\S+) is both a holiday and a workday$/, (I, m) => C().both(m[1])],
  [/^calendar: workday (\S+) is a \w+, not a weekend day$/, (I, m) => C().notWeekend(m[1])],
  [/^public_base_url must start with/, I => I.url],
];
function invalidWords(message) {
  const text = (message || "").replace(/^op \d+ \([^)]*\): /, "");
  const out = [];
  for (const part of text.split("; ")) {
    const hit = INVALID.find(([re]) => re.test(part));
    if (hit) out.push(hit[1](C().invalid, hit[0].exec(part)));
  }
  return out;
}

async function refused(e, change, base) {
  const m = $("cfgMsg"); m.hidden = false; m.className = "cfg-msg bad"; m.dataset.code = e.code || "";
  const details = e.details || {};
  const what = change.text !== undefined ? [C().ops.replace] : change.ops.map(describeOp);
  const box = [];
  if (e.code === "config_changed") {
    let latest = null;
    try { latest = await api("/api/config"); } catch (x) { /* shown without the comparison */ }
    const now = details.current || (latest && latest.config_version) || "?";
    box.push(el("h3", null, C().changedTitle), el("p", null, C().changedBody(base, now)));
    const list = el("ul", "cfg-mine");
    (change.ops || [{ op: "replace" }]).forEach((op, i) => {
      const li = el("li"); li.append(el("b", null, what[i]));
      if (latest && change.ops) { const ul = el("ul"); for (const d of diffLines(op, latest.config)) ul.append(el("li", null, d)); li.append(ul); }
      list.append(li);
    });
    box.push(list);
    box.push(button(C().resendMine, async () => { if (latest) view = latest; else await load(); renderBar(); send(change); }, "primary"),
             button(C().dropMine, async () => { form = null; await load(); render(); say(""); }));
    toast(C().changedTitle);
  } else if (details.next_day) {
    box.push(el("h3", null, C().conflictTitle), el("p", "muted", what.join("; ")));
    const ul = el("ul", "cfg-conflicts");
    for (const c of details.conflicts || [{ code: e.code, message: e.message }]) {
      const li = el("li", null, conflictText(c, change)); li.dataset.code = c.code; ul.append(li);
    }
    const next = button(C().nextDay, () => send(change, "next_day"), "primary"); next.id = "cfgNextDay";
    box.push(ul, el("p", "muted", C().nextDayHint), next, button(C().dismiss, () => say("")));
    toast(C().conflictTitle);
  } else if (e.code === "config_invalid") {
    const words = el("ul", "cfg-invalid");
    for (const w of invalidWords(e.message)) words.append(el("li", null, w));
    box.push(el("h3", null, C().invalidTitle), el("p", null, what.join("; ")), words,
             el("p", "server", C().serverSays + e.message), button(C().dismiss, () => say("")));
    toast(C().invalidTitle);
  } else {
    box.push(el("h3", null, C().refusedTitle), el("p", "server", `${e.code || e.status || ""} ${e.message}`),
             button(C().dismiss, () => say("")));
    toast(`${e.code || ""} ${e.message}`);
  }
  m.replaceChildren(...box);
  m.scrollIntoView({ block: "nearest" });
}

function bad(text, focus) { say(text, true); if (focus) focus.focus(); return null; }

async function importFile(file) {
  if (!file.files.length) { say(C().importChoose, true); return; }
  const f = file.files[0];
  if (!confirm(C().importConfirm(f.name, view.config_version))) return;
  const text = await f.text();
  if (await send({ text, fileName: f.name })) { file.value = ""; $("cfgFileName").textContent = ""; }
}

function moveButtons(kind, items, i) {
  const key = items[i][KEYS[kind]];
  const up = button(C().up, () => send({ ops: [{ op: "move", kind, key, index: i - 1 }] }), "mini");
  const down = button(C().down, () => send({ ops: [{ op: "move", kind, key, index: i + 1 }] }), "mini");
  up.disabled = i === 0; down.disabled = i === items.length - 1; up.dataset.act = "up"; down.dataset.act = "down";
  return [up, down];
}
function removeButton(kind, key) {
  const b = button(C().remove, () => {
    if (confirm(C().removeConfirm(C().kinds[kind], keyLabel(kind, key)))) send({ ops: [{ op: "remove", kind, key }] });
  }, "mini danger");
  b.dataset.act = "remove";
  return b;
}

// ------------------------------------------------------------ services
function services() {
  const list = cfg().services;
  const rows = list.map((s, i) => {
    const tr = el("tr"); tr.dataset.service = s.code;
    const tools = el("td", "tools");
    const edit = button(C().edit, () => { form = { kind: "service", key: s.code }; render(); }, "mini"); edit.dataset.act = "edit";
    tools.append(...moveButtons("service", list, i), edit, removeButton("service", s.code));
    tr.append(el("td", "n", i + 1), el("td", "mono", s.code), el("td", "mono", s.prefix), el("td", null, nm(s)),
              el("td", null, nm(s, "category", "category_en")), el("td", "n", s.daily_cap ?? C().noCap),
              hoursCell(s),
              el("td", "n", `${s.avg_service_minutes} / ${s.target_wait_minutes ?? 30}`),
              el("td", "n", `${s.warn_minutes ?? 15} / ${s.alert_minutes ?? 30}`), tools);
    return tr;
  });
  const add = button(C().addService, () => { form = { kind: "service", key: null }; render(); }, "primary");
  add.id = "cfgAddService";
  const out = [el("p", "hint", C().tileOrderHint),
    table([C().order, C().code, C().prefix, C().name, C().categoryCol, C().dailyCap, C().hours,
           `${C().avgMin} / ${C().targetWait}`, `${C().warnMin} / ${C().alertMin}`, C().actions], rows, "cfgServices"),
    el("div", "bar section-gap", null)];
  out[2].append(add);
  if (form && form.kind === "service") out.push(serviceForm(list.find(s => s.code === form.key)));
  return out;
}

function hoursCell(s) {
  const td = el("td", "nowrap", (s.hours || []).join(", ") || C().allDay);
  const w = weeklyText(s.weekly);
  if (w) td.append(el("div", "muted weekly-note", w));
  return td;
}

function serviceForm(s) {
  const isNew = !s; s = s || { hours: [], materials: [], materials_en: [] };
  const f = el("form", "cfg-form"); f.id = "cfgServiceForm";
  const v = (k, d = "") => (s[k] ?? d);
  const code = input("code", v("code"), { size: 14 }); code.readOnly = !isNew;
  const prefix = input("prefix", v("prefix"), { size: 4 });
  const digits = input("digits", v("digits", 3), { type: "number", size: 3 }); digits.min = 1; digits.max = 6;
  const nzh = input("name_zh", v("name_zh"), { size: 24 }), nen = input("name_en", v("name_en"), { size: 28 });
  const czh = input("category", v("category")), cen = input("category_en", v("category_en"));
  const cap = input("daily_cap", v("daily_cap"), { type: "number", ph: C().noCap }); cap.min = 0;
  const hours = input("hours", (s.hours || []).join(", "), { ph: C().hoursPh, size: 34 });
  const avg = input("avg_service_minutes", v("avg_service_minutes", 10), { type: "number" }); avg.step = "any"; avg.min = 0;
  const target = input("target_wait_minutes", v("target_wait_minutes", 30), { type: "number" }); target.min = 1;
  const warn = input("warn_minutes", v("warn_minutes", 15), { type: "number" }); warn.min = 0;
  const alert = input("alert_minutes", v("alert_minutes", 30), { type: "number" }); alert.min = 0;
  const mats = pairEditor("materials", s.materials || [], s.materials_en || []);
  const weekly = weeklyEditor(s.weekly || {});
  const save = el("button", "primary", C().save); save.type = "submit";
  f.append(el("h3", null, isNew ? C().addService : C().editService(s.code)),
    box("div", "cfg-grid",
       ...[field(C().code, code, isNew ? C().codeHint : ""), field(C().prefix, prefix), field(C().digits, digits),
           field(C().nameZh, nzh), field(C().nameEn, nen), field(C().category, czh), field(C().categoryEn, cen),
           field(C().dailyCap, cap), field(C().hours, hours, C().hoursHint), field(C().avgMin, avg),
           field(C().targetWait, target), field(C().warnMin, warn), field(C().alertMin, alert)]),
    el("p", "hint", C().warnHint), el("h4", null, C().weeklyTitle), el("p", "hint", C().weeklyHint), weekly,
    el("h4", null, C().materials), mats,
    el("div", "bar section-gap"));
  f.lastChild.append(save, button(C().cancel, () => { form = null; render(); }));
  f.onsubmit = ev => {
    ev.preventDefault();
    const read = readService({ code, prefix, digits, nzh, nen, czh, cen, cap, hours, weekly, avg, target, warn, alert, mats });
    if (!read) return;
    const item = isNew ? read : { ...s, ...read };  // fields this form does not show are kept as they are
    if (!("daily_cap" in read)) delete item.daily_cap;  // emptied: no cap
    send({ ops: [isNew ? { op: "put", kind: "service", value: item }
                                 : { op: "put", kind: "service", key: s.code, value: item }] });
  };
  return f;
}

function num(i, label, { int = true, optional = false } = {}) {
  const t = i.value.trim();
  if (!t) return optional ? null : bad(C().check.required(label), i);
  const n = Number(t);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < 0) return bad(C().check.number(label), i);
  return n;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// "08:30-11:45, 13:30-17:00" -> ["08:30-11:45", "13:30-17:00"]; null (after saying why) when one is wrong.
function readHours(i) {
  const hours = i.value.split(/[,，;；\s]+/).map(h => h.trim()).filter(Boolean);
  for (const h of hours) {
    const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(h);
    if (!m || Number(m[1]) * 60 + Number(m[2]) >= Number(m[3]) * 60 + Number(m[4])) return bad(C().check.hours(h), i);
  }
  return hours.map(h => h.replace(/^(\d):/, "0$1:").replace(/-(\d):/, "-0$1:"));
}

// The weekdays whose hours differ from the usual ones: per day "usual", "own" (its own periods) or "none".
function weeklyEditor(weekly) {
  const t = el("table", "grid weekly"); t.id = "cfgWeekly";
  const rows = {};
  for (const d of DAYS) {
    const tr = el("tr"); tr.dataset.day = d;
    const mode = el("select"); mode.name = `weekly_${d}_mode`;
    for (const m of ["usual", "own", "none"]) { const o = el("option", null, C().dayModes[m]); o.value = m; mode.append(o); }
    const has = weekly && d in weekly;
    mode.value = !has ? "usual" : weekly[d].length ? "own" : "none";
    const hours = input(`weekly_${d}`, has ? weekly[d].join(", ") : "", { ph: C().hoursPh, size: 30 });
    const sync = () => { hours.hidden = mode.value !== "own"; };
    mode.addEventListener("change", sync); sync();
    const td = el("td"); td.append(mode, hours);
    tr.append(el("td", "day", C().dayNames[d]), td);
    t.append(tr);
    rows[d] = { mode, hours };
  }
  t.read = () => {
    const out = {};
    for (const d of DAYS) {
      const { mode, hours } = rows[d];
      if (mode.value === "none") out[d] = [];
      if (mode.value === "own") {
        const h = readHours(hours);
        if (h === null) return null;
        if (!h.length) return bad(C().check.required(`${C().dayNames[d]} · ${C().hours}`), hours);
        out[d] = h;
      }
    }
    return out;
  };
  return t;
}
function weeklyText(weekly) {
  return DAYS.filter(d => weekly && d in weekly)
    .map(d => `${C().dayNames[d]} ${weekly[d].length ? weekly[d].join(", ") : C().notIssued}`).join("; ");
}

function readService(x) {
  const code = x.code.value.trim(), prefix = x.prefix.value.trim();
  if (!code) return bad(C().check.required(C().code), x.code);
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return bad(C().check.code, x.code);
  if (!/^[A-Z]+$/.test(prefix)) return bad(C().check.prefix, x.prefix);
  if (!x.nzh.value.trim()) return bad(C().check.required(C().nameZh), x.nzh);
  if (!x.nen.value.trim()) return bad(C().check.required(C().nameEn), x.nen);
  const hours = readHours(x.hours);
  if (hours === null) return null;
  const weekly = x.weekly.read();
  if (weekly === null) return null;
  const item = { code, prefix, name_zh: x.nzh.value.trim(), name_en: x.nen.value.trim(),
                 category: x.czh.value.trim(), category_en: x.cen.value.trim(), hours, weekly };
  for (const [k, i, label, opt] of [["digits", x.digits, C().digits], ["daily_cap", x.cap, C().dailyCap, true],
                                    ["target_wait_minutes", x.target, C().targetWait], ["warn_minutes", x.warn, C().warnMin],
                                    ["alert_minutes", x.alert, C().alertMin]]) {
    if (opt && !i.value.trim()) continue;
    const n = num(i, label);
    if (n === null) return null;
    item[k] = n;
  }
  const avg = num(x.avg, C().avgMin, { int: false });
  if (avg === null) return null;
  item.avg_service_minutes = avg;
  if (item.alert_minutes < item.warn_minutes) return bad(C().check.alertAfterWarn, x.alert);
  const [zh, en] = x.mats.read();
  if (zh.some(z => !z)) return bad(C().check.pairs);
  item.materials = zh;
  item.materials_en = en.some(Boolean) ? en : [];
  if (item.materials_en.length && en.some(e => !e)) return bad(C().check.pairs);
  return item;
}

// ------------------------------------------------------------ windows
function windows() {
  const list = cfg().windows;
  const rows = list.map((w, i) => {
    const tr = el("tr"); tr.dataset.window = w.id;
    const tools = el("td", "tools");
    const edit = button(C().edit, () => { form = { kind: "window", key: w.id }; render(); }, "mini"); edit.dataset.act = "edit";
    tools.append(...moveButtons("window", list, i), edit, removeButton("window", w.id));
    const isOpen = w.open !== false;
    const toggle = button(isOpen ? C().closeWindow : C().openWindow, () => {
      if (!isOpen || confirm(C().closeConfirm(nm(w)))) send({ ops: [{ op: "put", kind: "window", key: w.id, value: { ...w, open: !isOpen } }] });
    }, "mini"); toggle.dataset.act = isOpen ? "close" : "open";
    tools.prepend(toggle);
    tr.classList.toggle("closed", !isOpen);
    tr.append(el("td", "n", w.id), el("td", null, nm(w)), el("td", "val", w.zone || "—"),
              el("td", "svc-list", w.services.map(svcName).join(" › ")),
              el("td", null, w.ordered === false ? C().equal : C().ordered),
              el("td", isOpen ? "plan-open" : "plan-closed", isOpen ? C().planOpen : C().planClosed),
              todayCell(w.id), tools);
    return tr;
  });
  const add = button(C().addWindow, () => { form = { kind: "window", key: null }; render(); }, "primary");
  add.id = "cfgAddWindow";
  const out = [el("p", "hint", C().windowsHint),
    table([C().windowId, C().name, C().zone, C().services, C().ordered, C().plan, C().today, C().actions], rows, "cfgWindows"),
    el("div", "bar section-gap")];
  out[2].append(add);
  if (form && form.kind === "window") out.push(windowForm(list.find(w => w.id === form.key)));
  return out;
}

// Who is at the window now, from the live link (kept current while the table is shown).
function todayCell(id) {
  const td = el("td", "today"); td.dataset.window = id;
  drawToday(td);
  return td;
}
function drawToday(td) {
  const live = S.windows.get(Number(td.dataset.window));
  const staffed = live && live.status !== "closed";
  const text = staffed ? C().signedIn(S.clerks[live.clerk] || live.clerk) : C().notSignedIn;
  if (td.textContent !== text) td.textContent = text;
  td.classList.toggle("muted", !staffed);
}
setInterval(() => { for (const td of document.querySelectorAll("#cfgWindows td.today")) drawToday(td); }, 1000);

function windowForm(w) {
  const isNew = !w;
  const next = Math.max(0, ...cfg().windows.map(x => x.id)) + 1;
  w = w || { id: next, name_zh: `${next}号窗口`, name_en: `Window ${next}`, services: [], ordered: true, zone: "", open: true };
  const f = el("form", "cfg-form"); f.id = "cfgWindowForm";
  const id = input("id", w.id, { type: "number", size: 4 }); id.readOnly = !isNew; id.min = 1;
  const nzh = input("name_zh", w.name_zh, { size: 20 }), nen = input("name_en", w.name_en, { size: 24 });
  if (isNew) {  // the sign's default names follow the number until someone types a name
    let was = w.id;
    id.addEventListener("input", () => {
      if (nzh.value === `${was}号窗口`) nzh.value = `${id.value}号窗口`;
      if (nen.value === `Window ${was}`) nen.value = `Window ${id.value}`;
      was = id.value;
    });
  }
  const zone = input("zone", w.zone || "");
  const ordered = input("ordered", undefined, { type: "checkbox" }); ordered.checked = w.ordered !== false;
  const chosen = [...w.services];
  const picked = el("ol", "svc-pick"); picked.id = "cfgWindowServices";
  const pick = el("select"); pick.name = "pick";
  const draw = () => {
    picked.replaceChildren(...chosen.map((code, i) => {
      const li = el("li"); li.dataset.service = code;
      const up = button("↑", () => { chosen.splice(i - 1, 0, chosen.splice(i, 1)[0]); draw(); }, "mini");
      const down = button("↓", () => { chosen.splice(i + 1, 0, chosen.splice(i, 1)[0]); draw(); }, "mini");
      up.disabled = i === 0; down.disabled = i === chosen.length - 1; up.title = C().up; down.title = C().down;
      up.dataset.act = "up"; down.dataset.act = "down";
      const x = button("✕", () => { chosen.splice(i, 1); draw(); }, "mini"); x.title = C().remove; x.dataset.act = "drop";
      li.append(el("span", null, svcName(code)), up, down, x);
      return li;
    }));
    if (!chosen.length) picked.append(el("li", "muted none", C().none));
    const o0 = el("option", null, C().pick); o0.value = "";
    pick.replaceChildren(o0, ...cfg().services.filter(s => !chosen.includes(s.code)).map(s => {
      const o = el("option", null, `${nm(s)} (${s.code})`); o.value = s.code; return o;
    }));
  };
  draw();
  const addSvc = button(C().addSvc, () => { if (pick.value) { chosen.push(pick.value); draw(); } }, "mini");
  addSvc.dataset.act = "add-service";
  const save = el("button", "primary", C().save); save.type = "submit";
  const ol = el("label", "cfg-check"); ol.append(ordered, el("span", null, C().orderedLabel));
  const open = input("open", undefined, { type: "checkbox" }); open.checked = w.open !== false;
  const opl = el("label", "cfg-check"); opl.append(open, el("span", null, C().openLabel));
  const pickRow = el("div", "bar"); pickRow.append(pick, addSvc);
  f.append(el("h3", null, isNew ? C().addWindow : C().editWindow(w.id)),
    box("div", "cfg-grid", field(C().windowId, id), field(C().nameZh, nzh), field(C().nameEn, nen), field(C().zone, zone)),
    el("h4", null, C().services), picked, pickRow, ol, opl, el("div", "bar section-gap"));
  f.lastChild.append(save, button(C().cancel, () => { form = null; render(); }));
  f.onsubmit = ev => {
    ev.preventDefault();
    const n = Number(id.value);
    if (!Number.isInteger(n) || n < 1) { bad(C().check.windowId, id); return; }
    if (!nzh.value.trim()) { bad(C().check.required(C().nameZh), nzh); return; }
    if (!nen.value.trim()) { bad(C().check.required(C().nameEn), nen); return; }
    if (!chosen.length) { bad(C().check.windowServices, pick); return; }
    const value = { ...(isNew ? {} : w), id: n, name_zh: nzh.value.trim(), name_en: nen.value.trim(),
                    services: [...chosen], ordered: ordered.checked, zone: zone.value.trim(), open: open.checked };
    send({ ops: [isNew ? { op: "put", kind: "window", value } : { op: "put", kind: "window", key: w.id, value }] });
  };
  return f;
}

// ------------------------------------------------------------ classes, outcomes, reasons, notices, hall
function keyedEditor(kind, fields, id) {
  // fields: [[name, label, "text" | {options}]]; each row edits one item in place; the last row adds one.
  const list = cfg()[TABLES[kind]];
  const mk = (item, isNew) => {
    const tr = el("tr"); if (!isNew) tr.dataset.key = item.code; else tr.className = "new-row";
    const ctrls = {};
    for (const [name, , type] of fields) {
      let c;
      if (typeof type === "object") {
        c = el("select"); c.name = name;
        for (const [v, t] of Object.entries(type)) { const o = el("option", null, t); o.value = v; c.append(o); }
        c.value = item[name] || Object.keys(type)[0];
      } else if (type === "steps") {
        c = input(name, (item[name] || []).join(", "), { size: 30, ph: cfg().services.map(s => s.code).slice(0, 3).join(", ") });
        c.title = C().stepsHint;
      } else {
        c = input(name, item[name] || "", { size: name === "code" ? 12 : 20 });
        if (name === "code" && !isNew) c.readOnly = true;
      }
      ctrls[name] = c;
      tr.append(el("td")); tr.lastChild.append(c);
    }
    const tools = el("td", "tools");
    const save = button(isNew ? C().add : C().save, () => {
      const value = isNew ? {} : { ...item };
      for (const [name, label, type] of fields) {
        value[name] = ctrls[name].value.trim();
        if (type === "steps") value[name] = value[name].split(/[,，;；\s]+/).filter(Boolean);
        if (!value[name].length && !(type === "text" && name === "name_en" && kind === "bundle")) {
          bad(C().check.required(label), ctrls[name]); return;
        }
      }
      send({ ops: [isNew ? { op: "put", kind, value } : { op: "put", kind, key: item.code, value }] });
    }, "mini" + (isNew ? " primary" : ""));
    save.dataset.act = isNew ? "add" : "save";
    tools.append(save);
    if (!isNew) tools.append(removeButton(kind, item.code));
    tr.append(tools);
    return tr;
  };
  return table([...fields.map(f => f[1]), C().actions], [...list.map(x => mk(x, false)), mk({}, true)], id);
}

function lists() {
  const c = cfg(), h = c.hall;
  const out = [];
  // the hall itself
  const hallBox = el("div", "cfg-form");
  const hf = { name_zh: input("name_zh", h.name_zh, { size: 24 }), name_en: input("name_en", h.name_en, { size: 34 }),
               timezone: input("timezone", h.timezone || "Asia/Shanghai"),
               public_base_url: input("public_base_url", h.public_base_url || "", { size: 36, ph: "https://…" }) };
  const dflt = el("select"); dflt.name = "default_outcome";
  for (const o of c.outcomes) { const op = el("option", null, `${nm(o)} (${o.code})`); op.value = o.code; dflt.append(op); }
  dflt.value = h.default_outcome || "completed";
  hallBox.append(el("h3", null, C().hall), box("div", "cfg-grid", field(C().hallNameZh, hf.name_zh),
    field(C().hallNameEn, hf.name_en), field(C().timezone, hf.timezone), field(C().publicUrl, hf.public_base_url),
    field(C().defaultOutcome, dflt)), saveRow(() => {
      const value = {};
      for (const [k, i] of Object.entries(hf)) if ((h[k] || "") !== i.value.trim()) value[k] = i.value.trim();
      if (dflt.value !== (h.default_outcome || "completed")) value.default_outcome = dflt.value;
      if (!value.name_zh && value.name_zh !== undefined) return bad(C().check.required(C().hallNameZh), hf.name_zh);
      if (Object.keys(value).length) send({ ops: [{ op: "set", kind: "hall", value }] });
    }, "cfgSaveHall"));
  out.push(hallBox);
  // notices
  const nb = el("div", "cfg-form");
  const nf = {};
  for (const [k, label] of [["kiosk_notice_zh", C().kioskZh], ["kiosk_notice_en", C().kioskEn],
                            ["display_notice_zh", C().displayZh], ["display_notice_en", C().displayEn]]) {
    nf[k] = [input(k, h[k] || "", { size: 60 }), label];
  }
  nb.append(el("h3", null, C().notices), el("p", "hint", C().noticesHint),
    box("div", "cfg-grid two", ...Object.values(nf).map(([i, label]) => field(label, i))), saveRow(() => {
      const value = {};
      for (const [k, [i]] of Object.entries(nf)) if ((h[k] || "") !== i.value.trim()) value[k] = i.value.trim();
      if (Object.keys(value).length) send({ ops: [{ op: "set", kind: "hall", value }] });
    }, "cfgSaveNotices"));
  out.push(nb);
  // classes and outcomes
  const pb = el("div", "cfg-form");
  pb.append(el("h3", null, C().priorities),
            keyedEditor("priority", [["code", C().code, "text"], ["name_zh", C().nameZh, "text"],
                                     ["name_en", C().nameEn, "text"], ["kind", C().kind, C().pkinds]], "cfgPriorities"));
  const ob = el("div", "cfg-form");
  ob.append(el("h3", null, C().outcomes),
            keyedEditor("outcome", [["code", C().code, "text"], ["name_zh", C().nameZh, "text"],
                                    ["name_en", C().nameEn, "text"], ["cls", C().cls, C().oclasses]], "cfgOutcomes"));
  const bb = el("div", "cfg-form");
  bb.append(el("h3", null, C().bundles), el("p", "hint", C().bundlesHint(cfg().services.map(s => `${s.code} ${nm(s)}`))),
            keyedEditor("bundle", [["code", C().code, "text"], ["name_zh", C().nameZh, "text"],
                                   ["name_en", C().nameEn, "text"], ["steps", C().steps, "steps"]], "cfgBundles"));
  out.push(pb, ob, bb);
  // reasons
  const rb = el("div", "cfg-form");
  rb.append(el("h3", null, C().reasons), el("p", "hint", C().reasonsHint));
  const grid = el("div", "cfg-reasons");
  for (const r of REASONS) {
    const ed = pairEditor(r, h[r] || [], h[`${r}_en`] || []);
    const col = el("div"); col.dataset.reasons = r;
    col.append(el("h4", null, C().reasonLists[r]), ed, saveRow(() => {
      const [zh, en] = ed.read();
      if (zh.some(x => !x) || en.some(x => !x)) return bad(C().check.reasonPairs);
      send({ ops: [{ op: "set", kind: "hall", value: { [r]: zh, [`${r}_en`]: en } }] });
    }));
    grid.append(col);
  }
  rb.append(grid);
  out.push(rb);
  return out;
}

function saveRow(onsave, id) {
  const row = el("div", "bar section-gap");
  const b = button(C().save, onsave, "primary"); if (id) b.id = id; b.dataset.act = "save";
  row.append(b);
  return row;
}

// ------------------------------------------------------------ rules
function rules() {
  const r = cfg().rules;
  const ctrls = {};
  const rows = RULES.map(k => {
    const tr = el("tr"); tr.dataset.rule = k;
    let c;
    if (k === "transfer_keeps_arrival") { c = input(k, undefined, { type: "checkbox" }); c.checked = r[k] !== false; }
    else { c = input(k, r[k] ?? "", { type: "number", size: 6 }); c.min = 0; if (k === "preference_max_wait_minutes") c.step = "any"; }
    ctrls[k] = c;
    const td = el("td"); td.append(c);
    tr.append(el("td", "rule-name", C().ruleNames[k]), td, el("td", "meaning", C().ruleText[k]));
    return tr;
  });
  const save = saveRow(() => {
    const value = {};
    for (const k of RULES) {
      const c = ctrls[k];
      let v;
      if (k === "transfer_keeps_arrival") v = c.checked;
      else if (k === "preference_max_wait_minutes") { v = c.value.trim() === "" ? null : num(c, C().ruleNames[k], { int: false }); if (v === null && c.value.trim()) return; }
      else { v = num(c, C().ruleNames[k]); if (v === null) return; }
      if (JSON.stringify(v) !== JSON.stringify(r[k] ?? null)) value[k] = v;
    }
    if (Object.keys(value).length) send({ ops: [{ op: "set", kind: "rules", value }] });
  }, "cfgSaveRules");
  return [table([C().rule, C().value, C().meaning], rows, "cfgRules"), el("p", "hint", C().followupHint), save];
}

// ------------------------------------------------------------ calendar
// "2026-10-01~2026-10-07, 2026-10-10" -> every date; null when a part is not a date (or a range runs backwards).
function datesIn(text) {
  const out = [];
  const iso = t => (/^\d{4}-\d{2}-\d{2}$/.test(t) && !Number.isNaN(Date.parse(`${t}T12:00:00Z`))
    && new Date(`${t}T12:00:00Z`).toISOString().slice(0, 10) === t ? t : null);
  for (const part of text.split(/[,，;；\s]+/).filter(Boolean)) {
    const [a, b] = part.split(/~|～|\.\.|至/);
    if (!iso(a) || (b !== undefined && (!iso(b) || b < a))) return null;
    for (let t = Date.parse(`${a}T12:00:00Z`); t <= Date.parse(`${b || a}T12:00:00Z`) && out.length < 400; t += 86400000) {
      out.push(new Date(t).toISOString().slice(0, 10));
    }
  }
  return out;
}
function calendar() {
  const cal = { holidays: [...(cfg().calendar.holidays || [])], workdays: [...(cfg().calendar.workdays || [])] };
  const out = [el("p", "hint", C().calHint)];
  const cols = el("div", "cfg-cal");
  const boxes = {};
  const wd = d => C().weekdays[new Date(`${d}T12:00:00Z`).getUTCDay()];
  const draw = k => {
    const ul = boxes[k];
    ul.replaceChildren(...cal[k].sort().map(d => {
      const li = el("li", null, `${d} ${wd(d)}`); li.dataset.date = d;
      li.append(button("✕", () => { cal[k] = cal[k].filter(x => x !== d); draw(k); }, "mini"));
      return li;
    }));
    if (!cal[k].length) ul.append(el("li", "muted", C().noDates));
    const saved = cfg().calendar;
    unsaved.hidden = ["holidays", "workdays"].every(x => JSON.stringify([...cal[x]].sort()) === JSON.stringify([...(saved[x] || [])].sort()));
  };
  const unsaved = el("span", "unsaved", C().unsaved); unsaved.id = "cfgCalUnsaved"; unsaved.hidden = true;
  for (const k of ["holidays", "workdays"]) {
    const col = el("div"); col.dataset.cal = k;
    const ul = el("ul", "dates"); boxes[k] = ul;
    const d = input(`${k}_new`, "", { type: "date" });
    const many = input(`${k}_many`, "", { ph: C().manyPh, size: 46 }); many.title = C().manyPh;
    const add = button(C().addDate, () => {
      const dates = datesIn([d.value, many.value].join(" "));
      if (dates === null || !dates.length) return bad(C().check.date, many.value ? many : d);
      const other = k === "holidays" ? "workdays" : "holidays";
      for (const v of dates) {
        if (cal[other].includes(v)) return bad(C().both(v), many.value ? many : d);
        if (k === "workdays" && ![0, 6].includes(new Date(`${v}T12:00:00Z`).getUTCDay())) return bad(C().notWeekend(v), many.value ? many : d);
      }
      for (const v of dates) if (!cal[k].includes(v)) cal[k].push(v);
      d.value = ""; many.value = ""; draw(k); say("");
    }, "mini");
    add.dataset.act = "add-date";
    const row = el("div", "bar"); row.append(d, many, add);
    col.append(el("h3", null, C()[k]), row, ul);
    cols.append(col);
    draw(k);
  }
  const save = saveRow(() => send({ ops: [{ op: "set", kind: "calendar", value: { holidays: cal.holidays.sort(), workdays: cal.workdays.sort() } }] }), "cfgSaveCalendar");
  save.append(unsaved);
  out.push(cols, save);
  return out;
}

// ------------------------------------------------------------ history
function history() {
  const t = table([C().version(""), C().when, C().who, C().effective, C().status, C().what, C().note], [], "cfgHistory");
  t.rows[0].cells[0].textContent = "v";
  api("/api/config/history").then(rows => {
    for (const h of rows) {
      const tr = el("tr"); tr.dataset.version = h.version; tr.dataset.status = h.status;
      const what = h.actor === "seed" ? C().seed : h.ops.length ? h.ops.map(op => describeOp(op, true)).join("; ") : "—";
      const st = el("td", h.status === "failed" ? "error" : h.status === "pending" ? "pending" : "",
                    C().statuses[h.status] || h.status);
      if (h.message) st.title = h.message;
      tr.append(el("td", "n", `v${h.version}`), el("td", null, when(h.at || h.applied_at)), el("td", null, h.actor || "—"),
                el("td", null, h.effective === "next_day" ? C().effNext : h.effective ? C().effNow : "—"), st,
                el("td", null, what), el("td", "val", h.note || ""));
      t.append(tr);
    }
    if (!rows.length) { const tr = el("tr"); const td = el("td", "muted", C().noHistory); td.colSpan = 7; tr.append(td); t.append(tr); }
  }).catch(e => say(`${e.code || ""} ${e.message}`, true));
  return [t];
}
