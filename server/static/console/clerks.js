// Clerks (admin): the list (staff ID, name, enabled, PIN lockout, the window they are signed in at), add one with
// an initial PIN, disable / enable, reset a PIN (which lifts a lockout). The server audits each change.
import { api } from "/static/console/api.js";
import { P, refusal, when } from "/static/console/people_i18n.js";
import { S, el, say, windowName } from "/static/console/app.js";

const $ = id => document.getElementById(id);

function input(name, placeholder, type = "text") {
  const i = el("input"); i.name = name; i.type = type; i.placeholder = placeholder; i.title = placeholder; return i;
}

export function init() {
  const f = $("clerkForm");
  const staff = input("staff_id", P().staffId), name = input("name", P().name), pin = input("pin", P().pin, "password");
  pin.inputMode = "numeric"; pin.autocomplete = "new-password"; staff.size = 10; pin.size = 22;
  const add = el("button", null, P().addClerk); add.type = "submit";
  f.replaceChildren(el("b", null, P().addClerk), staff, name, pin, add);
  f.onsubmit = async ev => {
    ev.preventDefault();
    if (!/^[A-Za-z0-9._-]{1,32}$/.test(staff.value.trim())) { say("clerkMsg", `${P().staffId}: A-Z a-z 0-9 . _ -`, true); staff.focus(); return; }
    if (!name.value.trim()) { say("clerkMsg", `${P().name}?`, true); name.focus(); return; }
    if (!/^[0-9]{4,12}$/.test(pin.value)) { say("clerkMsg", P().pin, true); pin.focus(); return; }
    try {
      const c = await api("/api/clerks", { method: "POST", body: { staff_id: staff.value.trim(), name: name.value.trim(), pin: pin.value } });
      staff.value = name.value = pin.value = "";
      S.clerks[c.staff_id] = c.name;  // the live tiles' names
      say("clerkMsg", P().clerkAdded(`${c.name} (${c.staff_id})`)); show();
    } catch (e) { say("clerkMsg", refusal(e), true); }
  };
  $("clerkHint").textContent = P().clerkHint;
  say("clerkMsg", "");
}

async function act(path, body, done) {
  try { const c = await api(path, { method: "POST", body }); say("clerkMsg", done(`${c.name} (${c.staff_id})`)); show(); return true; }
  catch (e) { say("clerkMsg", refusal(e), true); return false; }
}

export async function show() {
  if (!S.me || S.me.role !== "admin") return;
  let rows;
  try { rows = await api("/api/clerks"); } catch (e) { say("clerkMsg", refusal(e), true); return; }
  const head = el("tr");
  for (const h of [P().staffId, P().name, P().status, P().lockout, P().signedInAt, P().created, P().actions]) head.append(el("th", null, h));
  $("clerkList").replaceChildren(head, ...rows.map(c => {
    const tr = el("tr"); tr.dataset.staff = c.staff_id;
    const who = `${c.name} (${c.staff_id})`;
    const state = el("td", c.disabled ? "error" : "", c.disabled ? P().disabled : P().enabled);
    const lock = el("td", c.locked_out ? "error" : "muted", c.locked_out ? P().lockedOut(c.wrong_pins)
      : c.wrong_pins ? P().wrongPins(c.wrong_pins) : "—");
    const tools = el("td", "tools");
    const toggle = el("button", null, c.disabled ? P().enable : P().disable); toggle.type = "button";
    toggle.dataset.act = c.disabled ? "enable" : "disable";
    toggle.addEventListener("click", () => {
      if (c.disabled) act(`/api/clerks/${encodeURIComponent(c.staff_id)}/enable`, {}, P().clerkEnabled);
      else if (confirm(P().disableConfirm(who))) act(`/api/clerks/${encodeURIComponent(c.staff_id)}/disable`, {}, P().clerkDisabled);
    });
    const pin = input("pin", P().newPin, "password"); pin.size = 8; pin.inputMode = "numeric"; pin.autocomplete = "new-password";
    const reset = el("button", null, P().resetPin); reset.type = "button"; reset.dataset.act = "reset";
    reset.addEventListener("click", async () => {
      if (!/^[0-9]{4,12}$/.test(pin.value)) { say("clerkMsg", P().pin, true); pin.focus(); return; }
      if (await act(`/api/clerks/${encodeURIComponent(c.staff_id)}/reset-pin`, { pin: pin.value }, P().pinReset)) pin.value = "";
    });
    tools.append(toggle, pin, reset);
    tr.append(el("td", null, c.staff_id), el("td", null, c.name), state, lock,
              el("td", null, c.window == null ? "—" : windowName(c.window)),
              el("td", "muted", when(c.created_at)), tools);
    return tr;
  }));
}
