// Device tokens (admin): create one for a kiosk, a window terminal (with its window), a display, a supervisor or an
// admin tool; its secret is shown once with a QR code to pair the device; the list (never a secret); revoke, which
// disconnects the device at once. The server audits each change.
import { api } from "/static/console/api.js";
import { nameOf } from "/static/console/i18n.js";
import { P, refusal, when } from "/static/console/people_i18n.js";
import { S, el, say, windowName } from "/static/console/app.js";

const $ = id => document.getElementById(id);
const ROLES = ["kiosk", "window", "display", "supervisor", "admin"];


export function init() {
  const f = $("tokenForm");
  const role = el("select"); role.name = "role";
  for (const r of ROLES) { const o = el("option", null, P().roles[r]); o.value = r; role.append(o); }
  const name = el("input"); name.name = "name"; name.placeholder = name.title = P().deviceName; name.size = 28;
  const win = el("select"); win.name = "window";
  for (const w of (S.hall ? S.hall.windows : [])) { const o = el("option", null, nameOf(w)); o.value = w.id; win.append(o); }
  const sync = () => { win.hidden = role.value !== "window"; };
  role.addEventListener("change", sync); sync();
  const go = el("button", null, P().createToken); go.type = "submit";
  f.replaceChildren(el("b", null, P().createToken), role, win, name, go);
  f.onsubmit = async ev => {
    ev.preventDefault();
    if (!name.value.trim()) { say("tokenMsg", `${P().deviceName}?`, true); name.focus(); return; }
    const body = { role: role.value, name: name.value.trim() };
    if (role.value === "window") body.window = Number(win.value);
    try {
      const made = await api("/api/tokens", { method: "POST", body });
      name.value = "";
      say("tokenMsg", ""); reveal(made); show();
    } catch (e) { say("tokenMsg", refusal(e), true); }
  };
  $("tokenHint").textContent = P().tokenHint;
  say("tokenMsg", "");
}

// The secret, once: the QR code (an SVG the server drew), the token as text, and what the code holds.
function reveal(made) {
  const box = $("tokenSecret");
  const svg = new DOMParser().parseFromString(made.qr_svg, "image/svg+xml").documentElement;
  svg.setAttribute("width", "220"); svg.setAttribute("height", "220"); svg.classList.add("qr");
  const text = el("div", "secret-text");
  text.append(el("h3", null, `${made.name} · ${P().roles[made.role]}${made.window ? ` · ${windowName(made.window)}` : ""}`),
              el("p", "warn", P().secretOnce), el("div", "muted", P().token));
  const code = el("code", "token", made.token); code.id = "tokenValue";
  const says = el("p", null, P().qrSays + (made.role === "display" ? P().qrDisplay : P().qrDevice));
  const pairing = el("code", "pairing", made.pairing);
  const close = el("button", null, P().savedIt); close.type = "button";
  close.addEventListener("click", () => { box.replaceChildren(); box.hidden = true; });
  text.append(code, says, pairing, el("div"), close);
  box.replaceChildren(document.importNode(svg, true), text);
  box.hidden = false;
}

export async function show() {
  if (!S.me || S.me.role !== "admin") return;
  let rows;
  try { rows = await api("/api/tokens"); } catch (e) { say("tokenMsg", refusal(e), true); return; }
  const head = el("tr");
  for (const h of [P().deviceCol, P().role, P().window, P().created, P().status, P().actions]) head.append(el("th", null, h));
  rows.sort((a, b) => Number(a.revoked) - Number(b.revoked) || a.name.localeCompare(b.name));
  $("tokenList").replaceChildren(head, ...rows.map(t => {
    const tr = el("tr"); tr.dataset.token = t.id; tr.dataset.name = t.name;
    const tools = el("td");
    if (!t.revoked) {
      const b = el("button", null, P().revoke); b.type = "button"; b.dataset.act = "revoke";
      b.addEventListener("click", async () => {
        if (!confirm(P().revokeConfirm(t.name))) return;
        try { await api(`/api/tokens/${t.id}/revoke`, { method: "POST", body: {} }); say("tokenMsg", P().tokenRevoked(t.name)); show(); }
        catch (e) { say("tokenMsg", refusal(e), true); }
      });
      tools.append(b);
    }
    tr.append(el("td", null, t.name), el("td", null, P().roles[t.role] || t.role),
              el("td", null, t.window == null ? "—" : windowName(t.window)),
              el("td", "muted", when(t.created_at)),
              el("td", t.revoked ? "muted" : "", t.revoked ? `${P().revoked} ${when(t.revoked_at)}` : P().active),
              tools);
    return tr;
  }));
}
