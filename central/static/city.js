// The city page: a reader logs in, then sees figures per hall and per day (/api/reports/city), a table by the
// chosen cut with its XLSX export, and each hall's shipping state (/api/halls). Chinese by default, ?lang=en.
const $ = (id) => document.getElementById(id);
const TEXTS = {
  zh: {
    title: "全市政务服务大厅统计", username: "用户名", password: "密码", login: "登录", logout: "退出",
    loginFailed: "用户名或密码错误", lockedOut: "错误次数过多，账户已锁定，请稍后再试", other: "English",
    from: "从", to: "至", cut: "分组", query: "查询", xlsx: "导出 Excel",
    cuts: { hall: "按大厅", "hall,service": "按大厅和事项", "hall,clerk": "按大厅和坐席", service: "按事项",
            "hall,month": "按大厅和月份", day: "按日" },
    chVolume: "各大厅取号与办理", chWaits: "平均等候与按时叫号率", chRates: "好评率与办结率", chDays: "逐日取号",
    issued: "取号数", served: "办理数", waitAvg: "平均等候(分)", level: "按时叫号率", good: "好评率",
    completion: "办结率", minutes: "分钟", total: "合计", shipping: "各大厅数据上报",
    shipCols: ["大厅", "存储纪元", "已收事件", "大厅最新", "落后", "最近上报"], allHalls: "全部大厅",
    locale: "zh-CN",
  },
  en: {
    title: "City service halls", username: "Username", password: "Password", login: "Log in", logout: "Log out",
    loginFailed: "Unknown user or wrong password", lockedOut: "Too many wrong passwords: the account is locked for a while",
    other: "中文", from: "From", to: "To", cut: "Cut", query: "Show", xlsx: "Export Excel",
    cuts: { hall: "By hall", "hall,service": "By hall and service", "hall,clerk": "By hall and clerk",
            service: "By service", "hall,month": "By hall and month", day: "By day" },
    chVolume: "Issued and served per hall", chWaits: "Average wait and service level", chRates: "Good rate and completion rate",
    chDays: "Tickets issued per day", issued: "Issued", served: "Served", waitAvg: "Avg wait (min)", level: "Service level",
    good: "Good rate", completion: "Completion rate", minutes: "min", total: "Total", shipping: "Hall event shipping",
    shipCols: ["Hall", "Store epoch", "Events held", "Hall newest", "Behind", "Last batch"], allHalls: "all halls",
    locale: "en-GB",
  },
};
const lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
const T = TEXTS[lang];
const SHARES = ["completion_rate", "no_show_rate", "service_level", "rating_rate", "good_rate"];
const MINUTES = ["wait_avg", "wait_p50", "wait_p90", "wait_max", "service_avg", "service_p90", "service_max"];
const SHOWN = ["issued", "served", "completed", "completion_rate", "no_show_rate", "wait_avg", "wait_p90",
               "service_level", "service_avg", "good_rate", "bad"];
const charts = {};

function applyTexts() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.title = `${T.title} · hallq`;
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = T[e.dataset.t];
  for (const a of document.querySelectorAll("[data-lang]")) {
    a.textContent = T.other;
    a.href = lang === "en" ? location.pathname : "?lang=en";
  }
  $("cut").replaceChildren(...Object.entries(T.cuts).map(([v, label]) => new Option(label, v)));
}

function chart(id) {
  if (!window.echarts) return null;
  charts[id] = charts[id] || echarts.init($(id));
  return charts[id];
}

class HttpError extends Error {
  constructor(status, body) { super(body?.error?.message || String(status)); this.status = status; this.code = body?.error?.code; }
}

async function fetchJson(path, init) {
  const resp = await fetch(path, { credentials: "same-origin", ...init });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw new HttpError(resp.status, body);
  return body;
}

function query(by, format = "json") {
  return `/api/reports/city?from=${$("from").value}&to=${$("to").value}&by=${by}&lang=${lang}&format=${format}`;
}

function fmt(key, v) {
  if (v == null) return "–";
  if (SHARES.includes(key)) return (v * 100).toFixed(1) + "%";
  if (MINUTES.includes(key)) return v.toFixed(1);
  return typeof v === "number" ? v.toLocaleString(T.locale) : String(v);
}

function bars(id, names, series, percent = false) {
  chart(id)?.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 20, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: percent ? { type: "value", max: 1, axisLabel: { formatter: (v) => v * 100 + "%" } } : { type: "value" },
    series: series.map(([name, data]) => ({ name, data, type: "bar" })),
  }, true);
}

function drawCharts(byHall, byDay) {
  const rows = byHall.rows;
  const names = rows.map((r) => r.hall_name);
  bars("volume", names, [[T.issued, rows.map((r) => r.issued)], [T.served, rows.map((r) => r.served)]]);
  chart("waits")?.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 50, top: 40, bottom: 20, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: [{ type: "value", name: T.minutes }, { type: "value", max: 1, axisLabel: { formatter: (v) => v * 100 + "%" } }],
    series: [{ name: T.waitAvg, type: "bar", data: rows.map((r) => r.wait_avg) },
             { name: T.level, type: "line", yAxisIndex: 1, data: rows.map((r) => r.service_level) }],
  }, true);
  bars("rates", names, [[T.good, rows.map((r) => r.good_rate)], [T.completion, rows.map((r) => r.completion_rate)]], true);
  chart("days")?.setOption({
    tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, bottom: 40 },
    xAxis: { type: "category", data: byDay.rows.map((r) => r.day) }, yAxis: { type: "value" },
    series: [{ name: T.issued, type: "line", data: byDay.rows.map((r) => r.issued) }],
  }, true);
}

function cell(tag, text, cls) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function drawTable(report) {
  const dims = report.columns.slice(0, report.by.length);
  const figures = report.columns.filter((c) => SHOWN.includes(c.key));
  const head = document.createElement("tr");
  head.append(...dims.map((c) => cell("th", c.label, "dim")), ...figures.map((c) => cell("th", c.label)));
  const line = (r, total) => {
    const tr = document.createElement("tr");
    if (total) tr.className = "total";
    tr.append(...dims.map((c, i) => cell("td", total ? (i === 0 ? T.total : "") : r[c.key], "dim")),
              ...figures.map((c) => cell("td", fmt(c.key, r[c.key]))));
    return tr;
  };
  $("table").replaceChildren(head, ...report.rows.map((r) => line(r, false)), line(report.total, true));
  $("tableTitle").textContent = `${T.cuts[report.by.join(",")] || report.by.join(",")} · ${report.from} – ${report.to}`;
}

function drawHalls(halls) {
  const head = document.createElement("tr");
  head.append(...T.shipCols.map((c, i) => cell("th", c, i === 0 ? "dim" : "")));
  $("halls").replaceChildren(head, ...halls.map((h) => {
    const tr = document.createElement("tr");
    tr.append(cell("td", (lang === "en" && h.name_en) || h.name_zh || h.hall, "dim"), cell("td", h.epoch ?? "–"),
              cell("td", fmt("n", h.seq ?? 0)), cell("td", fmt("n", h.head ?? 0)),
              cell("td", fmt("n", h.behind), h.behind ? "behind" : ""),
              cell("td", h.last_at ? new Date(h.last_at).toLocaleString(T.locale) : "–"));
    return tr;
  }));
}

async function load() {
  $("error").textContent = "";
  const cut = $("cut").value;
  $("xlsx").href = query(cut, "xlsx");
  $("json").href = query(cut);
  try {
    const [byHall, byDay, byCut, halls] = await Promise.all([
      fetchJson(query("hall")), fetchJson(query("day")), cut === "hall" ? null : fetchJson(query(cut)),
      fetchJson("/api/halls")]);
    drawCharts(byHall, byDay);
    drawTable(byCut || byHall);
    drawHalls(halls);
    document.body.dataset.loaded = cut;
  } catch (err) {
    if (err.status === 401) return showLogin();
    $("error").textContent = String(err.message || err);
  }
}

function showLogin(message) {
  $("appView").hidden = true;
  $("loginView").hidden = false;
  $("loginError").hidden = !message;
  $("loginError").textContent = message || "";
  $("username").focus();
}

function enter(me) {
  $("loginView").hidden = true;
  $("appView").hidden = false;
  $("userName").textContent = me.hall ? `${me.name} (${me.hall})` : `${me.name} (${T.allHalls})`;
  load().then(() => Object.values(charts).forEach((c) => c.resize()));
}

$("loginForm").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const me = await fetchJson("/api/login", {
      method: "POST", headers: { "Content-Type": "application/json", "X-Hallq-City": "1" },
      body: JSON.stringify({ username: $("username").value.trim(), password: $("password").value }),
    });
    $("password").value = "";
    enter(me);
  } catch (err) {
    $("password").value = "";
    showLogin(err.code === "locked_out" ? T.lockedOut : T.loginFailed);
  }
});
$("logout").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST", headers: { "X-Hallq-City": "1" } }).catch(() => null);
  showLogin();
});

applyTexts();
const today = new Date();
$("to").value = today.toISOString().slice(0, 10);
$("from").value = new Date(today.getFullYear(), today.getMonth(), 1, 12).toISOString().slice(0, 10);
$("load").addEventListener("click", load);
$("cut").addEventListener("change", load);
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
fetchJson("/api/me").then(enter, () => showLogin());
