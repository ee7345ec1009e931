// Appointments (admin): a day's list (code, service, slot, masked name, booked / checked in / cancelled), cancel one
// before its check-in, and import a CSV or Excel file from the booking system with upload progress and the server's
// per-row report (row, column, why) when it refuses the file (it imports all rows or none).
import { api } from "/static/console/api.js";
import { lang } from "/static/console/i18n.js";
import { P, refusal } from "/static/console/people_i18n.js";
import { S, el, say, serviceName } from "/static/console/app.js";

const $ = id => document.getElementById(id);
let day = null;

const hhmm = t => (t || "").slice(11, 16);

export function init() {
  const f = $("apptDayForm");
  const d = el("input"); d.type = "date"; d.name = "day"; d.value = day || S.day || "";
  const go = el("button", null, P().show); go.type = "submit";
  f.replaceChildren(el("span", null, P().day), d, go);
  f.onsubmit = ev => { ev.preventDefault(); day = d.value || S.day; show(); };

  const u = $("apptImport");
  const file = el("input"); file.type = "file"; file.name = "file"; file.accept = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const up = el("button", null, P().upload); up.type = "submit";
  const bar = el("progress"); bar.max = 100; bar.value = 0; bar.hidden = true; bar.id = "apptProgress";
  const state = el("span", "muted"); state.id = "apptProgressText";
  u.replaceChildren(el("b", null, P().importTitle), file, up, bar, state);
  u.onsubmit = ev => {
    ev.preventDefault();
    if (!file.files.length) { say("apptMsg", P().chooseFile, true); return; }
    upload(file.files[0], bar, state, up).then(ok => { if (ok) file.value = ""; });
  };
  $("apptHint").textContent = P().importHint;
  say("apptMsg", ""); $("apptErrors").replaceChildren();
}

// XMLHttpRequest, not fetch: it reports the upload's progress. Multipart, the file as the form's `file` field.
function upload(f, bar, state, button) {
  return new Promise(resolve => {
    const form = new FormData(); form.append("file", f, f.name);
    const x = new XMLHttpRequest();
    x.open("POST", "/api/appointments/import");
    x.setRequestHeader("X-CSRF-Token", S.me.csrf);
    x.responseType = "json";
    bar.hidden = false; bar.value = 0; button.disabled = true; $("apptErrors").replaceChildren(); say("apptMsg", "");
    x.upload.onprogress = e => {
      if (!e.lengthComputable) return;
      bar.value = Math.round(100 * e.loaded / e.total);
      state.textContent = bar.value >= 100 ? P().checking : P().uploading(bar.value);
    };
    x.upload.onload = () => { bar.value = 100; state.textContent = P().checking; };
    x.onloadend = () => {
      button.disabled = false; bar.hidden = true; state.textContent = "";
      const data = x.response || {};
      if (x.status === 200) {
        const days = Object.entries(data.days || {}).map(([d, n]) => `${d}: ${n}`).join(", ");
        const first = Object.keys(data.days || {})[0];
        if (first) day = first;
        init(); say("apptMsg", P().imported(data.imported, days)); show(); resolve(true); return;
      }
      if (data.code === "invalid_rows") report(data.details);
      else say("apptMsg", refusal({ code: data.code || String(x.status), message: data.message || x.statusText }), true);
      resolve(false);
    };
    x.send(form);
  });
}

// The server's refusal of a file, row by row: the manager corrects these cells and uploads again.
function report(details) {
  const bad = new Set(details.errors.map(e => e.row)).size;
  say("apptMsg", P().importRefused(bad, details.rows), true);
  const head = el("tr");
  for (const h of [P().row, P().column, P().why]) head.append(el("th", null, h));
  $("apptErrors").replaceChildren(head, ...details.errors.map(e => {
    const tr = el("tr"); tr.dataset.row = e.row; tr.dataset.code = e.code;
    tr.append(el("td", "n", e.row), el("td", null, P().columns[e.column] || e.column),
              el("td", null, lang === "en" ? e.message : `${P().rowCodes[e.code] || e.code}${e.value ? `：${e.value}` : ""}`));
    return tr;
  }));
}

export async function show() {
  if (!S.me || S.me.role !== "admin") return;
  day = day || S.day;
  let rows;
  try { rows = await api(`/api/appointments?day=${day}`); } catch (e) { say("apptMsg", refusal(e), true); return; }
  const head = el("tr");
  for (const h of [P().code, P().service, P().slot, P().citizen, P().state, P().actions]) head.append(el("th", null, h));
  const body = rows.map(a => {
    const tr = el("tr"); tr.dataset.code = a.code;
    const status = a.cancelled_at ? P().cancelled : a.ticket_id ? P().checkedIn(hhmm(a.checked_in_at)) : P().booked;
    tr.dataset.state = a.cancelled_at ? "cancelled" : a.ticket_id ? "checked_in" : "booked";
    const tools = el("td");
    if (!a.cancelled_at && !a.ticket_id) {
      const b = el("button", null, P().cancel); b.type = "button"; b.dataset.act = "cancel";
      b.addEventListener("click", async () => {
        const reason = prompt(`${P().cancelConfirm(a.code)}\n${P().cancelReason}`, "");
        if (reason === null) return;
        try {
          await api(`/api/appointments/${encodeURIComponent(a.code)}/cancel`, { method: "POST", body: { reason: reason.trim() } });
          say("apptMsg", P().apptCancelled(a.code)); show();
        } catch (e) { say("apptMsg", refusal(e), true); }
      });
      tools.append(b);
    }
    tr.append(el("td", null, a.code), el("td", null, serviceName(a.service)), el("td", null, `${hhmm(a.start)}–${hhmm(a.end)}`),
              el("td", null, a.name_masked || "—"), el("td", a.cancelled_at ? "muted" : "", status), tools);
    return tr;
  });
  if (!body.length) { const tr = el("tr"); const td = el("td", "muted", P().noAppointments); td.colSpan = 6; tr.append(td); body.push(tr); }
  $("apptList").replaceChildren(head, ...body);
}
