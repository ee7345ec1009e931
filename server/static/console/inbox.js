// 好差评 inbox: every 差评 at once (with a sound), its visit, and the follow-up workflow (回访 → 核实 →
// 整改 → 办结) with a countdown to the next deadline that turns red when overdue; filters and export.
import { api } from "/static/console/api.js";
import { T, lang, clockText, span } from "/static/console/i18n.js";
import { S, beep, clerkName, el, hallNow, toast, windowName } from "/static/console/app.js";

const $ = id => document.getElementById(id);
let cases = [];
let unseen = 0;
const visits = new Map();  // number -> ticket (today's), for the wait and the service time
const filter = { from: null, to: null, status: "" };
let timer = null;
const NEXT = { open: ["contact"], contacted: ["verify"], rectified: ["close"], closed: [] };

export function start() {
  filter.from = filter.to = S.day || new Date().toISOString().slice(0, 10);
  buildFilter(); load();
  clearInterval(timer); timer = setInterval(tick, 1000);
}
export function stop() { clearInterval(timer); }

export function relabel() { if (filter.from) buildFilter(); }

function buildFilter() {
  const f = $("inboxFilter");
  const from = el("input"); from.type = "date"; from.value = filter.from || "";
  const to = el("input"); to.type = "date"; to.value = filter.to || "";
  const status = el("select");
  for (const s of ["", "open", "contacted", "verified", "rectified", "closed"]) {
    const o = el("option", null, s ? T().statuses[s] : T().all); o.value = s; status.append(o);
  }
  status.value = filter.status;
  const go = el("button", null, T().filter); go.type = "submit";
  const xlsx = el("a", null, T().exportXlsx), csv = el("a", null, T().exportCsv);
  const links = () => {
    for (const [a, fmt] of [[xlsx, "xlsx"], [csv, "csv"]]) {
      a.href = `/api/reports/followups?from=${filter.from}&to=${filter.to}&format=${fmt}&lang=${lang}`;
      a.setAttribute("download", ""); a.className = "button";
    }
  };
  links();
  f.replaceChildren(el("span", null, T().from), from, el("span", null, T().to), to, status, go, xlsx, csv);
  f.onsubmit = ev => {
    ev.preventDefault();
    filter.from = from.value || filter.from; filter.to = to.value || filter.to; filter.status = status.value;
    links(); load();
  };
}

async function load() {
  const q = `from=${filter.from}&to=${filter.to}${filter.status ? `&status=${filter.status}` : ""}`;
  try {
    cases = await api(`/api/followups?${q}`, { background: true });
    cases.sort((a, b) => b.case.rated_at.localeCompare(a.case.rated_at));
    await Promise.all(cases.filter(c => !visits.has(c.case.number) && c.case.ticket_id.startsWith(
      (S.day || "").replaceAll("-", ""))).map(async c => {
      try { visits.set(c.case.number, (await api(`/api/tickets/${c.case.number}`, { background: true })).ticket); }
      catch (e) { /* not today's */ }
    }));
    render();
  } catch (e) { /* next change */ }
}

export function onChange(ch) {
  for (const t of ch.tickets) if (t.status === "done") visits.set(t.number, t);
  const bad = ch.events.filter(e => e.type === "visit_rated" && (e.level === 1 || e.level === 2));
  if (!bad.length) return;
  beep(2);
  if (S.tab !== "inbox") { unseen += bad.length; badge(); }
  toast(bad.map(e => T().newBad(e.number)).join("，"));
  load();
}
function badge() { const b = $("inboxBadge"); b.textContent = unseen; b.hidden = unseen === 0; }

function minutesBetween(a, b) { return a && b ? span(Date.parse(b) - Date.parse(a)) : "—"; }

export function render() {
  unseen = 0; badge();
  const box = $("caseList");
  if (!cases.length) { box.replaceChildren(el("p", "muted", T().noCases)); return; }
  const focused = document.activeElement && document.activeElement.dataset.case;
  const kept = focused ? document.activeElement.value : "";
  box.replaceChildren(...cases.map(v => {
    const c = v.case, t = visits.get(c.number);
    const row = el("div", "case" + (c.status === "closed" ? " closed" : ""));
    row.dataset.case = c.id;
    const head = el("div", "head");
    head.append(el("span", "num", c.number), el("span", null, lang === "en" ? v.service_name_en : v.service_name_zh),
                el("span", null, windowName(c.window)), el("span", null, `${T().clerk}: ${clerkName(c.clerk)}`),
                el("b", null, T().levels[c.level] || c.level),
                el("span", null, `${T().wait}: ${t ? minutesBetween(t.arrival_at, t.called_at) : "—"}`),
                el("span", null, `${T().serviceTime}: ${t ? minutesBetween(t.serving_at, t.finished_at) : "—"}`),
                el("span", null, `${T().status}: ${T().statuses[c.status]}`));
    const due = el("span", "due"); if (v.next_due) due.dataset.due = v.next_due;
    head.append(due);
    row.append(head, el("div", null, `${T().reason}: ${c.reason}${c.comment ? ` · ${T().comment}: ${c.comment}` : ""}`));
    if (c.steps.length) {
      row.append(el("div", "steps", c.steps.map(s => `${T().actions[s.action]} ${s.at.slice(11, 16)} ${s.actor.split(":").pop()}：${s.note}`
        + (s.valid === true ? `（${T().valid}）` : s.valid === false ? `（${T().invalid}）` : "")).join(" → ")));
    }
    const actions = c.status === "verified" ? [c.valid ? "rectify" : "close"] : NEXT[c.status] || [];
    if (actions.length) {
      const act = el("div", "act");
      const note = el("input"); note.placeholder = T().note; note.dataset.case = c.id;
      if (focused === c.id) { note.value = kept; setTimeout(() => note.focus(), 0); }
      act.append(note);
      let valid = null;
      if (actions[0] === "verify") {
        valid = el("select");
        for (const [val, label] of [["true", T().valid], ["false", T().invalid]]) {
          const o = el("option", null, label); o.value = val; valid.append(o);
        }
        act.append(valid);
      }
      for (const a of actions) {
        const b = el("button", null, T().actions[a]); b.dataset.action = a;
        b.addEventListener("click", () => advance(c.id, a, note, valid));
        act.append(b);
      }
      row.append(act);
    }
    return row;
  }));
  tick();
}

async function advance(id, action, note, valid) {
  const text = note.value.trim();
  if (!text) { note.focus(); return; }
  const body = { note: text };
  if (valid) body.valid = valid.value === "true";
  try {
    await api(`/api/followups/${encodeURIComponent(id)}/${action}`, { method: "POST", body });
    await load();
  } catch (e) { toast(e.message); }
}

function tick() {
  const now = hallNow();
  for (const e of document.querySelectorAll("#caseList .due")) {
    if (!e.dataset.due) { e.textContent = ""; continue; }
    const left = Date.parse(e.dataset.due) - now;
    e.classList.toggle("over", left < 0);
    e.textContent = `${T().due}: ` + (left < 0 ? T().overdue(span(-left)) : T().left(left < 3600000 ? clockText(left) : span(left)));
  }
}
