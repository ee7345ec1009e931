// 日终 in the console (admin): a reason, a confirm dialog, POST /api/day/close; a refusal "visits in service" lists
// the numbers still at windows and offers to force; the result shows what expired, the backup file and the old
// backups removed.
import { api } from "/static/console/api.js";
import { D } from "/static/console/dayops_i18n.js";
import { S, el } from "/static/console/app.js";

const $ = id => document.getElementById(id);
let last = null;  // the last close's reply, shown again after a language switch

export function init() {
  const form = $("dayCloseForm");
  const reason = el("input"); reason.id = "dayCloseReason"; reason.placeholder = D().reason;
  const go = el("button", null, D().closeDay); go.type = "submit"; go.id = "dayCloseBtn";
  form.replaceChildren(reason, go);
  form.onsubmit = ev => { ev.preventDefault(); ask(); };
  $("dayCloseHint").textContent = D().closeHint;
  const dlg = $("dayCloseDialog");
  dlg.replaceChildren(el("h2", null, D().confirmTitle), el("p", "body"), el("p", "error refusal"),
                      el("div", "buttons"));
  if (last) result(last);
}

export function show() {}

function reasonText() { return $("dayCloseReason").value.trim(); }

function ask() {
  const dlg = $("dayCloseDialog");
  dlg.querySelector(".body").textContent = D().confirmBody(reasonText() || D().tabDayClose);
  dlg.querySelector(".refusal").hidden = true;
  buttons(false);
  if (!dlg.open) dlg.showModal();
}

function buttons(refused) {
  const dlg = $("dayCloseDialog");
  const box = dlg.querySelector(".buttons");
  const cancel = el("button", "quiet", D().cancel); cancel.type = "button"; cancel.id = "dayCloseCancel";
  cancel.onclick = () => dlg.close();
  const ok = el("button", refused ? "danger" : null, refused ? D().force : D().confirm); ok.type = "button";
  ok.id = refused ? "dayCloseForce" : "dayCloseConfirm";
  ok.onclick = () => close(refused);
  box.replaceChildren(ok, cancel);
}

async function close(force) {
  const dlg = $("dayCloseDialog");
  for (const b of dlg.querySelectorAll("button")) b.disabled = true;
  $("dayCloseResult").replaceChildren(el("p", "muted", D().closing));
  try {
    const reply = await api("/api/day/close", { method: "POST", body: { reason: reasonText(), force } });
    dlg.close();
    last = reply;
    result(reply);
  } catch (e) {
    if (e.code === "visits_in_service" && !force) {
      const refusal = dlg.querySelector(".refusal");
      refusal.textContent = D().refused((e.details && e.details.numbers) || []);
      refusal.hidden = false;
      buttons(true);
      $("dayCloseResult").replaceChildren();
      return;
    }
    dlg.close();
    $("dayCloseResult").replaceChildren(el("p", "error", D().failed(e.code || "", e.message)));
  }
}

function result(reply) {
  const closed = (reply.events || []).find(e => e.type === "day_closed") || {};
  const box = [el("p", "ok", D().closedLine(closed.day || S.day || "", closed.expired ?? 0, closed.signed_out ?? 0,
                                            !!closed.forced))];
  const dl = el("dl", "backup");
  if (reply.backup) dl.append(el("dt", null, D().backup), Object.assign(el("dd", "path", reply.backup), { id: "dayCloseBackup" }));
  else dl.append(el("dt", null, D().backup), el("dd", "error", D().backupFailed(reply.backup_error || "—")));
  const removed = reply.backups_removed || [];
  const list = el("dd", "removed"); list.id = "dayCloseRemoved";
  if (removed.length) for (const p of removed) list.append(el("div", "path", p));
  else list.textContent = D().noneRemoved;
  dl.append(el("dt", null, D().removed), list);
  box.push(dl);
  $("dayCloseResult").replaceChildren(...box);
}
