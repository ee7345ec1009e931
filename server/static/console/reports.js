// Reports: a period and a cut, charts (Apache ECharts, served from npm's copy at /vendor/echarts/), the
// chosen report's table and its XLSX/CSV export (the statistics issue's /api/reports/{kind}).
import { api } from "/static/console/api.js";
import { T, lang } from "/static/console/i18n.js";
import { S, el } from "/static/console/app.js";

const $ = id => document.getElementById(id);
const KINDS = ["summary", "services", "windows", "clerks", "hours", "ratings", "attendance", "followups"];
const CUTS = ["", "day", "service", "window", "clerk", "priority", "hour", "weekday"];
const form = { from: null, to: null, kind: "summary", cut: "" };
const charts = [];
let shown = false;

export function init() {
  const today = S.day || new Date().toISOString().slice(0, 10);
  if (!form.to) { form.to = today; form.from = today.slice(0, 8) + "01"; }  // this month so far
  const f = $("reportForm");
  const from = el("input"); from.type = "date"; from.value = form.from; from.name = "from";
  const to = el("input"); to.type = "date"; to.value = form.to; to.name = "to";
  const kind = el("select"); kind.name = "kind";
  for (const k of KINDS) { const o = el("option", null, T().kinds[k]); o.value = k; kind.append(o); }
  const cut = el("select"); cut.name = "cut";
  for (const c of CUTS) { const o = el("option", null, c ? T().cuts[c] : T().cutNone); o.value = c; cut.append(o); }
  kind.value = form.kind; cut.value = form.cut;
  const go = el("button", null, T().show); go.type = "submit";
  const xlsx = el("a", "button", T().exportXlsx), csv = el("a", "button", T().exportCsv);
  xlsx.id = "exportXlsx"; csv.id = "exportCsv";
  const sheet = el("button", null, T().sheet); sheet.type = "button"; sheet.id = "sheetBtn";
  sheet.addEventListener("click", () => printSheet(from.value || form.from));
  f.replaceChildren(el("span", null, T().period), from, el("span", null, "—"), to, kind, cut, go, xlsx, csv, sheet);
  f.onsubmit = ev => {
    ev.preventDefault();
    Object.assign(form, { from: from.value || form.from, to: to.value || form.to, kind: kind.value, cut: cut.value });
    show();
  };
  shown = false;
}

function query(kind, cut, extra = "") {
  return `/api/reports/${kind}?from=${form.from}&to=${form.to}${cut ? `&cut=${cut}` : ""}&lang=${lang}${extra}`;
}

export async function show() {
  if (!S.me) return;
  for (const [id, fmt] of [["exportXlsx", "xlsx"], ["exportCsv", "csv"]]) {
    const a = $(id); a.href = query(form.kind, form.cut, `&format=${fmt}`); a.setAttribute("download", "");
  }
  shown = true;
  renderTable();
  renderCharts();
}

async function renderTable() {
  const box = $("reportTable");
  try {
    const rep = await api(query(form.kind, form.cut));
    box.replaceChildren(...rep.tables.map(t => {
      const wrap = el("div");
      wrap.append(el("h3", null, t.title));
      const table = el("table", "grid");
      const head = el("tr"); for (const c of t.columns) head.append(el("th", null, c.label));
      table.append(head);
      for (const r of [...t.rows, ...(t.total ? [t.total] : [])]) {
        const tr = el("tr");
        for (const c of t.columns) tr.append(el("td", c.format === "text" ? null : "n", fmt(r[c.key], c.format)));
        table.append(tr);
      }
      wrap.append(table);
      return wrap;
    }));
  } catch (e) { box.replaceChildren(el("p", "error", e.message)); }
}

function fmt(v, format) {
  if (v === null || v === undefined) return "—";
  if (format === "share") return `${(v * 100).toFixed(1)}%`;
  if (format === "minutes") return Number(v).toFixed(1);
  return String(v);
}

// The first text column of a table names its rows.
function labels(t) {
  const c = t.columns.find(x => x.format === "text");
  return t.rows.map(r => String(c ? r[c.key] : ""));
}
function col(t, ...keys) { const k = keys.find(x => t.columns.some(c => c.key === x)); return k ? t.rows.map(r => r[k] ?? 0) : []; }

async function renderCharts() {
  const box = $("charts");
  for (const c of charts.splice(0)) c.dispose();
  if (!window.echarts) { box.replaceChildren(el("p", "muted", T().noCharts)); return; }
  const specs = [
    ["chArrivals", "hours", "", t => ({
      legend: { top: 6, right: 8 }, tooltip: { trigger: "axis" }, xAxis: { type: "category", data: labels(t) },
      yAxis: [{ type: "value" }, { type: "value" }],
      series: [{ name: T().arrivals, type: "bar", barMaxWidth: 64, data: col(t, "issued", "called") },
               { name: T().avgWait, type: "line", yAxisIndex: 1, data: col(t, "wait_avg") }] })],
    ["chLevel", "services", "", t => ({
      tooltip: {}, xAxis: { type: "category", data: labels(t), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", barMaxWidth: 64, data: col(t, "service_level").map(v => +(v * 100).toFixed(1)) }] })],
    ["chWindows", "windows", "", t => bar(t)],
    ["chClerks", "clerks", "", t => bar(t)],
    ["chSatisfaction", "ratings", "day", t => ({
      tooltip: { trigger: "axis" }, xAxis: { type: "category", data: labels(t) },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: T().goodRate, type: "line", smooth: true, data: col(t, "good_rate").map(v => +(v * 100).toFixed(1)) }] })],
    ["chOutcomes", "summary", "", (t, rep) => {
      const src = rep.tables[0];
      const row = src.total || src.rows[0] || {};
      const data = src.columns.filter(c => c.key.startsWith("out_")).map(c => ({ name: c.label, value: row[c.key] || 0 }));
      return { tooltip: {}, legend: { bottom: 0 }, series: [{ type: "pie", radius: ["35%", "65%"], data }] };
    }],
  ];
  box.replaceChildren(...specs.map(([title]) => { const d = el("div", "chart"); d.dataset.chart = title; return d; }));
  await Promise.all(specs.map(async ([title, kind, cut, option], i) => {
    try {
      const rep = await api(query(kind, cut));
      const chart = window.echarts.init(box.children[i], null, { locale: lang === "en" ? "EN" : "ZH" });
      charts.push(chart);
      chart.setOption({ title: { text: T()[title], left: 8, top: 6, textStyle: { fontSize: 14 } },
                        grid: { top: 48, left: 48, right: 48, bottom: 48 }, animation: false,
                        ...option(rep.tables[0], rep) });
    } catch (e) { box.children[i].replaceChildren(el("p", "error", e.message)); }
  }));
  box.dataset.ready = "1";
}
function bar(t) {
  return { tooltip: {}, xAxis: { type: "category", data: labels(t), axisLabel: { interval: 0, rotate: 20 } },
           yAxis: { type: "value" }, series: [{ name: T().served, type: "bar", barMaxWidth: 64, data: col(t, "served", "called") }] };
}
// 月度考核表: the clerks' figures of the month that holds `day`, on one printable A4 landscape page.
export async function printSheet(day) {
  const first = day.slice(0, 8) + "01";
  const d = new Date(first + "T00:00:00Z"); d.setUTCMonth(d.getUTCMonth() + 1); d.setUTCDate(0);
  const last = d.toISOString().slice(0, 10);
  const end = S.day && S.day < last ? S.day : last;
  const rep = await api(`/api/reports/clerks?from=${first}&to=${end}&lang=${lang}`);
  const t = rep.tables[0];
  const month = lang === "en" ? first.slice(0, 7) : `${+first.slice(0, 4)}年${+first.slice(5, 7)}月`;
  const box = document.getElementById("sheet");
  const table = el("table");
  const head = el("tr"); for (const c of t.columns) head.append(el("th", null, c.label));
  table.append(head);
  for (const r of [...t.rows, ...(t.total ? [t.total] : [])]) {
    const tr = el("tr");
    for (const c of t.columns) tr.append(el("td", null, fmt(r[c.key], c.format)));
    table.append(tr);
  }
  const signs = el("div", "signs");
  for (const s of T().sheetSign) signs.append(el("span", null, `${s}：__________`));
  box.replaceChildren(el("h2", null, T().sheetTitle(rep.hall, month)), el("div", "period", `${first} — ${end}`), table, signs);
  document.body.classList.add("printing");
  window.print();
  setTimeout(() => document.body.classList.remove("printing"), 500);
}
window.addEventListener("resize", () => { for (const c of charts) c.resize(); });
export const isShown = () => shown;
