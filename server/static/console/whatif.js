// 排班推演 in the console (admin): a recorded day and a staffing plan (TOML), POST /api/whatif, and the comparison
// as an ECharts chart (per service: recorded and planned average and p90 wait) over a table (served, never called).
import { api } from "/static/console/api.js";
import { lang, nameOf } from "/static/console/i18n.js";
import { D } from "/static/console/dayops_i18n.js";
import { S, el } from "/static/console/app.js";

const $ = id => document.getElementById(id);
let last = null;  // the last comparison, drawn again after a language switch
let chart = null;

export function init() {
  const form = $("whatifForm");
  const day = el("input"); day.type = "date"; day.id = "whatifDay"; day.value = day.value || S.day || "";
  const dayLabel = el("label", null, D().day); dayLabel.append(day);
  const fill = el("button", "quiet", D().fillHall); fill.type = "button"; fill.id = "whatifFill";
  fill.onclick = () => { $("whatifPlan").value = hallPlan(); };
  const run = el("button", null, D().run); run.type = "submit"; run.id = "whatifRun";
  const old = $("whatifPlan");
  const plan = el("textarea"); plan.id = "whatifPlan"; plan.rows = 10; plan.spellcheck = false;
  plan.value = old ? old.value : "";
  const planLabel = el("label", "plan", D().plan); planLabel.append(plan);
  const status = el("span", "status"); status.id = "whatifStatus";
  form.replaceChildren(dayLabel, fill, planLabel, run, status);
  form.onsubmit = ev => { ev.preventDefault(); go(); };
  $("whatifHint").textContent = D().whatIfHint;
  if (last) draw(last);
}

export function show() {
  if (!$("whatifDay").value && S.day) $("whatifDay").value = S.day;
  if (chart) chart.resize();
}

// The hall's own windows, each staffed all day: the plan to start editing from.
function hallPlan() {
  const lines = ['start = "08:30"', 'serve_until = "17:30"'];
  for (const w of (S.hall && S.hall.windows) || []) {
    lines.push("", "[[windows]]", `id = ${w.id}`, `services = [${w.services.map(s => JSON.stringify(s)).join(", ")}]`);
  }
  return lines.join("\n") + "\n";
}

async function go() {
  const plan = $("whatifPlan").value;
  const status = $("whatifStatus");
  if (!plan.trim()) { status.className = "status error"; status.textContent = D().noPlan; return; }
  const run = $("whatifRun");
  run.disabled = true;
  status.className = "status busy";
  const started = Date.now();
  const tick = () => { status.textContent = D().running(Math.round((Date.now() - started) / 1000)); };
  tick();
  const timer = setInterval(tick, 1000);
  try {
    const reply = await api("/api/whatif", { method: "POST", body: { day: $("whatifDay").value, plan } });
    last = reply;
    status.className = "status ok";
    status.textContent = D().took(reply.took_s);
    draw(reply);
  } catch (e) {
    status.className = "status error";
    status.textContent = `${D().errors[e.code] || e.code || ""}: ${e.message}`;
  } finally {
    clearInterval(timer);
    run.disabled = false;
  }
}

const fmt = v => (v === null || v === undefined ? "—" : Number(v).toFixed(1));
const name = s => (lang === "en" ? s.name_en || s.name_zh : s.name_zh);

function draw(r) {
  const box = $("whatifChart");
  const names = r.services.map(name);
  const series = [
    ["recAvg", s => s.recorded.wait_avg, "#9aa5b1"], ["planAvg", s => s.plan.wait_avg, "#1f6feb"],
    ["recP90", s => s.recorded.wait_p90, "#d4a373"], ["planP90", s => s.plan.wait_p90, "#c0392b"],
  ];
  if (window.echarts) {
    if (chart) chart.dispose();
    chart = window.echarts.init(box, null, { locale: lang === "en" ? "EN" : "ZH" });
    chart.setOption({
      animation: false,
      title: { text: D().chartTitle(r.day, r.windows), left: "center", textStyle: { fontSize: 15 } },
      legend: { top: 36 }, tooltip: { trigger: "axis" },
      grid: { top: 84, left: 50, right: 20, bottom: 90 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", name: D().minutes },
      series: series.map(([key, pick, color]) => ({ name: D()[key], type: "bar", data: r.services.map(pick),
                                                     itemStyle: { color } })),
    });
  }
  const head = el("tr");
  for (const h of [D().service, D().arrivals, `${D().recorded} ${D().avg}`, `${D().recorded} ${D().p90}`,
                   `${D().recorded} ${D().served}`, `${D().recorded} ${D().unserved}`, `${D().planned} ${D().avg}`,
                   `${D().planned} ${D().p90}`, `${D().planned} ${D().served}`, `${D().planned} ${D().unserved}`]) {
    head.append(el("th", null, h));
  }
  const row = (label, s, cls) => {
    const tr = el("tr", cls);
    if (s.code) tr.dataset.service = s.code;
    for (const v of [label, s.recorded.arrivals, fmt(s.recorded.wait_avg), fmt(s.recorded.wait_p90), s.recorded.served,
                     s.recorded.unserved, fmt(s.plan.wait_avg), fmt(s.plan.wait_p90), s.plan.served, s.plan.unserved]) {
      tr.append(el("td", null, String(v)));
    }
    return tr;
  };
  $("whatifTable").replaceChildren(head, ...r.services.map(s => row(name(s), s)),
                                   row(D().total, r.total, "total"));
}
