// Console accounts (admin): the list, and a form that adds one (audited on the server).
import { api } from "/static/console/api.js";
import { T } from "/static/console/i18n.js";
import { S, el, toast } from "/static/console/app.js";

const $ = id => document.getElementById(id);

export function init() {
  const f = $("userForm");
  f.replaceChildren();
  const inputs = {};
  for (const [key, type] of [["username", "text"], ["name", "text"], ["password", "password"]]) {
    const i = el("input"); i.type = type; i.placeholder = T()[key]; i.name = key; inputs[key] = i; f.append(i);
  }
  const role = el("select"); role.name = "role";
  for (const r of ["supervisor", "admin"]) { const o = el("option", null, T().roles[r]); o.value = r; role.append(o); }
  const btn = el("button", null, T().addUser); btn.type = "submit";
  f.append(role, btn);
  f.onsubmit = async ev => {
    ev.preventDefault();
    try {
      await api("/console/api/users", { method: "POST", body: { username: inputs.username.value.trim(),
        name: inputs.name.value.trim(), password: inputs.password.value, role: role.value } });
      inputs.password.value = ""; toast(T().saved); show();
    } catch (e) { toast(e.message); }
  };
}

export async function show() {
  if (!S.me || S.me.role !== "admin") return;
  const rows = await api("/console/api/users");
  const head = el("tr");
  for (const h of [T().username, T().name, T().role, T().created]) head.append(el("th", null, h));
  $("userList").replaceChildren(head, ...rows.map(u => {
    const tr = el("tr");
    tr.append(el("td", null, u.username), el("td", null, u.name), el("td", null, T().roles[u.role] || u.role),
              el("td", null, u.created_at.slice(0, 16).replace("T", " ")));
    return tr;
  }));
}
