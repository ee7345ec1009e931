// The city page: figures per hall and per day from /api/reports/city, each hall's shipping state from /api/halls.
const $ = (id) => document.getElementById(id);
const pct = (v) => (v == null ? "–" : (v * 100).toFixed(1) + "%");
const min = (v) => (v == null ? "–" : v.toFixed(1));
const charts = {};

function chart(id) {
  charts[id] = charts[id] || echarts.init($(id));
  return charts[id];
}

async function fetchJson(path) {
  const resp = await fetch(path);
  if (!resp.ok) throw new Error(`${path}: ${resp.status}`);
  return resp.json();
}

function query(by, format = "json") {
  return `/api/reports/city?from=${$("from").value}&to=${$("to").value}&by=${by}&format=${format}`;
}

function bars(id, names, series, percent = false) {
  chart(id).setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 70 },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: percent ? { type: "value", max: 1, axisLabel: { formatter: (v) => v * 100 + "%" } } : { type: "value" },
    series: series.map(([name, data, type]) => ({ name, data, type: type || "bar" })),
  }, true);
}

async function load() {
  $("error").textContent = "";
  $("xlsx").href = query("hall,service", "xlsx");
  $("json").href = query("hall,service");
  try {
    const [byHall, byDay, halls] = await Promise.all([fetchJson(query("hall")), fetchJson(query("day")),
                                                      fetchJson("/api/halls")]);
    const rows = byHall.rows;
    const names = rows.map((r) => r.hall_name);
    bars("volume", names, [["取号数", rows.map((r) => r.issued)], ["办理数", rows.map((r) => r.served)]]);
    chart("waits").setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 50, top: 40, bottom: 70 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: [{ type: "value", name: "分钟" }, { type: "value", max: 1, axisLabel: { formatter: (v) => v * 100 + "%" } }],
      series: [{ name: "平均等候(分)", type: "bar", data: rows.map((r) => r.wait_avg) },
               { name: "按时叫号率", type: "line", yAxisIndex: 1, data: rows.map((r) => r.service_level) }],
    }, true);
    bars("rates", names, [["好评率", rows.map((r) => r.good_rate)], ["办结率", rows.map((r) => r.completion_rate)]], true);
    chart("days").setOption({
      tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, bottom: 40 },
      xAxis: { type: "category", data: byDay.rows.map((r) => r.day) }, yAxis: { type: "value" },
      series: [{ name: "取号数", type: "line", data: byDay.rows.map((r) => r.issued) }],
    }, true);
    const cols = ["issued", "served", "completion_rate", "no_show_rate", "wait_avg", "wait_p90", "service_level",
                  "service_avg", "good_rate", "bad"];
    const labels = Object.fromEntries(byHall.columns.map((c) => [c.key, c.label]));
    const fmt = (k, v) => (["completion_rate", "no_show_rate", "service_level", "good_rate"].includes(k) ? pct(v)
      : ["wait_avg", "wait_p90", "service_avg"].includes(k) ? min(v) : v ?? "–");
    const row = (name, r) => `<tr><td>${name}</td>${cols.map((k) => `<td>${fmt(k, r[k])}</td>`).join("")}</tr>`;
    $("table").innerHTML = `<tr><th>大厅</th>${cols.map((k) => `<th>${labels[k]}</th>`).join("")}</tr>` +
      rows.map((r) => row(r.hall_name, r)).join("") + row("合计", byHall.total);
    $("halls").innerHTML = "<tr><th>大厅</th><th>存储纪元</th><th>已收事件</th><th>大厅最新</th><th>落后</th><th>最近上报</th></tr>" +
      halls.map((h) => `<tr><td>${h.name_zh}</td><td>${h.epoch ?? "–"}</td><td>${h.seq ?? 0}</td><td>${h.head ?? 0}</td>` +
        `<td class="${h.behind ? "behind" : ""}">${h.behind}</td><td>${h.last_at ? new Date(h.last_at).toLocaleString("zh-CN") : "–"}</td></tr>`).join("");
  } catch (err) {
    $("error").textContent = String(err);
  }
}

const today = new Date();
$("to").value = today.toISOString().slice(0, 10);
$("from").value = new Date(today.getFullYear(), today.getMonth(), 1, 12).toISOString().slice(0, 10);
$("load").addEventListener("click", load);
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
load();
