// Texts of the admin's 日终 (day close) and 排班推演 (what-if staffing) screens (dayclose.js, whatif.js):
// Simplified Chinese by default, complete English; the console's language switch (i18n.js) picks one.
import { lang } from "/static/console/i18n.js";

const ZH = {
  tabDayClose: "日终", tabWhatIf: "排班推演",
  closeHint: "日终：未办结的号过期（附原因），所有坐席签退，所有设备重新载入；取号机显示“今日已结束办理”，直到下一个工作日开始。" +
             "随后在线备份数据库。窗口仍有群众在办理时会被拒绝，可选择强制日终。",
  reason: "原因（默认“日终”）", closeDay: "日终结算…",
  confirmTitle: "确认日终？", confirmBody: r => `未办结的号将以“${r}”过期，所有坐席签退，所有设备重新载入。此操作不可撤销。`,
  confirm: "确认日终", cancel: "取消", force: "强制日终",
  refused: nums => `以下号码仍在窗口办理中：${nums.join("、")}。请先办结，或强制日终（这些号也将过期）。`,
  closing: "正在日终并备份…",
  closedLine: (day, expired, out, forced) => `${day} 已日终${forced ? "（强制）" : ""}：过期 ${expired} 张号，签退 ${out} 名坐席。`,
  backup: "备份文件", backupFailed: e => `备份失败：${e}`, removed: "已删除的过期备份", noneRemoved: "无",
  failed: (code, msg) => `日终失败：${code} ${msg}`,
  whatIfHint: "用本厅某日的真实取号记录，按另一套窗口安排重新推演一遍（确定性，不影响大厅）。方案为 TOML：start、serve_until，" +
              "[[windows]] 的 id、services，可选 start、until。",
  day: "日期", plan: "排班方案（TOML）", fillHall: "填入本厅现有窗口", run: "开始推演",
  running: s => `推演中… ${s} 秒`, noPlan: "请先填写排班方案",
  errors: { invalid_plan: "方案有误", no_arrivals: "该日没有取号记录", invalid_format: "请求格式有误",
            whatif_busy: "已有推演在进行，请稍后再试", whatif_timeout: "推演超时", forbidden: "仅管理员可用" },
  chartTitle: (day, n) => `${day} 按服务事项等候时间：实际 vs 方案（${n} 个窗口）`,
  recAvg: "实际平均等候", planAvg: "方案平均等候", recP90: "实际90%等候", planP90: "方案90%等候", minutes: "分钟",
  service: "服务事项", arrivals: "取号", recorded: "实际", planned: "方案", avg: "平均(分)", p90: "90%(分)",
  served: "办结", unserved: "未叫号", total: "合计", took: s => `推演用时 ${s} 秒`,
};

const EN = {
  tabDayClose: "Day close", tabWhatIf: "What-if staffing",
  closeHint: "Day close: open tickets expire (with the reason), every clerk is signed out, every device reloads; kiosks " +
             "show “Closed for today” until the next working day starts. Then the database is backed up online. " +
             "Refused while citizens are still at windows; you can force it.",
  reason: "Reason (default: day close)", closeDay: "Close the day…",
  confirmTitle: "Close the day?", confirmBody: r => `Open tickets expire as “${r}”, every clerk is signed out and every device reloads. This cannot be undone.`,
  confirm: "Close the day", cancel: "Cancel", force: "Force the close",
  refused: nums => `Still being served at windows: ${nums.join(", ")}. Finish them first, or force the close (they expire too).`,
  closing: "Closing the day and backing up…",
  closedLine: (day, expired, out, forced) => `${day} closed${forced ? " (forced)" : ""}: ${expired} tickets expired, ${out} clerks signed out.`,
  backup: "Backup file", backupFailed: e => `Backup failed: ${e}`, removed: "Old backups removed", noneRemoved: "none",
  failed: (code, msg) => `Day close failed: ${code} ${msg}`,
  whatIfHint: "Replays a recorded day's own arrivals with another staffing plan (deterministic; the hall is not touched). " +
              "The plan is TOML: start, serve_until, [[windows]] with id, services and optional start, until.",
  day: "Day", plan: "Staffing plan (TOML)", fillHall: "Fill in the hall's windows", run: "Run the what-if",
  running: s => `Replaying… ${s} s`, noPlan: "Write a staffing plan first",
  errors: { invalid_plan: "The plan is wrong", no_arrivals: "No tickets were issued that day",
            invalid_format: "Bad request", whatif_busy: "Another what-if is running: try again soon",
            whatif_timeout: "The replay took too long", forbidden: "Admins only" },
  chartTitle: (day, n) => `${day}: wait by service, recorded vs plan (${n} windows)`,
  recAvg: "Recorded avg wait", planAvg: "Plan avg wait", recP90: "Recorded p90 wait", planP90: "Plan p90 wait", minutes: "min",
  service: "Service", arrivals: "Arrivals", recorded: "Recorded", planned: "Plan", avg: "avg (min)", p90: "p90 (min)",
  served: "served", unserved: "never called", total: "Total", took: s => `Replayed in ${s} s`,
};

export const D = () => (lang === "en" ? EN : ZH);
export const TEXTS = { zh: ZH, en: EN };  // a test checks both have every key
