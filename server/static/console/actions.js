// Supervisor and admin actions (each audited by the server): open or close a service with a reason, extend its
// issuing hours today (延时服务), post a notice to the displays' ticker, cancel a ticket, lift a clerk's PIN lockout;
// and the audit viewer (admin).
import { api } from "/static/console/api.js";
import { T, lang, listText, nameOf } from "/static/console/i18n.js";
import { S, el, toast } from "/static/console/app.js";

const $ = id => document.getElementById(id);

function input(placeholder, type = "text") { const i = el("input"); i.type = type; i.placeholder = placeholder; return i; }
function button(text, fn) { const b = el("button", null, text); b.type = "button"; b.addEventListener("click", fn); return b; }
async function run(path, body) {
  try { await api(path, { method: "POST", body }); toast(T().done); document.activeElement.blur(); render(); return true; }
  catch (e) { toast(`${e.code || ""} ${e.message}`); return false; }
}

// The hall's close reasons (its configuration, zh/en): offered as the reason, stored as the Chinese text so that
// kiosks in English find its English; a reason typed by hand is stored as typed.
const closeReasonText = reason => listText(reason, S.hall.close_reasons, S.hall.close_reasons_en);

function closeReasonList() {
  const list = el("datalist"); list.id = "closeReasons";
  for (const r of S.hall.close_reasons || []) {
    const o = el("option"); o.value = r;
    if (lang === "en") o.label = closeReasonText(r);
    list.append(o);
  }
  return list;
}

export function render() {
  if (!S.hall || !S.me) return;
  const typing = document.activeElement && document.activeElement.tagName === "INPUT"
    && document.activeElement.closest("#serviceActions");
  if (typing && typing.dataset.keep !== "0") { typing.dataset.stale = "1"; return; }  // not while typing
  const head = el("tr");
  for (const h of [T().service, T().status, "", ""]) head.append(el("th", null, h));
  const rows = [head];
  for (const svc of S.hall.services) {
    const st = S.services.get(svc.code) || {};
    const tr = el("tr"); tr.dataset.service = svc.code;
    const why = st.closed_reason ? closeReasonText(st.closed_reason) : "";
    const state = st.open === false ? `${T().serviceClosed}${!why ? "" : lang === "en" ? ` (${why})` : `（${why}）`}`
      : st.extended_until ? T().extendedTo(st.extended_until.slice(11, 16)) : T().serviceOpen;
    const reason = input(T().reason);
    reason.setAttribute("list", "closeReasons");
    const openClose = st.open === false
      ? button(T().openService, () => run(`/api/services/${svc.code}/open`, {}))
      : button(T().closeService, () => reason.value.trim() ? run(`/api/services/${svc.code}/close`, { reason: reason.value.trim() }) : reason.focus());
    const until = input("HH:MM", "time");
    const extend = button(T().extend, () => until.value && run(`/api/services/${svc.code}/extend`,
      { until: `${S.day}T${until.value}:00${S.offset}` }));
    const endExt = st.extended_until ? button(T().endExtension, () => run(`/api/services/${svc.code}/end-extension`, {})) : "";
    const c1 = el("td"); c1.append(reason, openClose);
    const c2 = el("td"); c2.append(until, extend, endExt);
    tr.append(el("td", null, nameOf(svc)), el("td", null, state), c1, c2);
    rows.push(tr);
  }
  $("serviceActions").replaceChildren(...rows);
  const old = $("closeReasons"), list = closeReasonList();
  if (old) old.replaceWith(list); else $("serviceActions").after(list);
  const n = S.notice;
  $("noticeNow").textContent = n ? T().noticeNow(n.text_zh + (n.text_en ? ` / ${n.text_en}` : "")
    + (n.until ? ` (→ ${n.until.slice(11, 16)})` : "")) : T().noNotice;
}

export function init() {
  const notice = $("noticeForm");
  const zh = input(T().noticeZh), en = input(T().noticeEn), until = input("HH:MM", "time");
  zh.size = 40; en.size = 40; until.title = T().noticeUntil;
  notice.replaceChildren(el("b", null, T().postNotice), zh, en, el("span", null, T().noticeUntil), until,
    button(T().postNotice, async () => {
      if (!zh.value.trim()) { zh.focus(); return; }
      const body = { text_zh: zh.value.trim(), text_en: en.value.trim() };
      if (until.value) body.until = `${S.day}T${until.value}:00${S.offset}`;
      if (await run("/api/notice", body)) { zh.value = ""; en.value = ""; until.value = ""; }
    }),
    button(T().takeDown, () => run("/api/notice", { text_zh: "", text_en: "" })), el("span", "muted", ""));
  notice.lastChild.id = "noticeNow";
  const cancel = $("cancelForm");
  const number = input(T().ticket), reason = input(T().reason);
  cancel.replaceChildren(el("b", null, T().cancelTicket), number, reason,
    button(T().cancelTicket, async () => {
      if (number.value.trim() && await run(`/api/tickets/${encodeURIComponent(number.value.trim())}/cancel`,
                                           { reason: reason.value.trim() })) { number.value = ""; reason.value = ""; }
    }));
  const unlock = $("unlockForm");
  const staff = input(T().staffId);
  unlock.replaceChildren(el("b", null, T().unlockClerk), staff,
    button(T().unlockClerk, async () => {
      if (staff.value.trim() && await run(`/api/clerks/${encodeURIComponent(staff.value.trim())}/unlock`, {})) staff.value = "";
    }));
  const f = $("auditForm");
  const from = input("", "date"), to = input("", "date");
  from.value = to.value = S.day || "";
  const go = el("button", null, T().show); go.type = "submit";
  f.replaceChildren(el("span", null, T().from), from, el("span", null, T().to), to, go);
  f.onsubmit = ev => { ev.preventDefault(); audit(from.value, to.value); };
}

export async function audit(from, to) {
  if (!S.me || S.me.role !== "admin") return;
  from = from || S.day; to = to || S.day;
  try {
    const rows = await api(`/api/audit?from=${from}&to=${to}`);
    const head = el("tr");
    for (const h of [T().time, T().actor, T().action, T().detail]) head.append(el("th", null, h));
    $("auditList").replaceChildren(head, ...rows.map(r => {
      const tr = el("tr");
      tr.append(el("td", null, r.at.slice(0, 19).replace("T", " ")), el("td", null, r.actor), el("td", null, r.action),
                el("td", null, JSON.stringify(r.detail)));
      return tr;
    }));
  } catch (e) { toast(e.message); }
}

