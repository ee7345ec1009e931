// Console texts: Simplified Chinese by default, complete English (?lang=en or the switch in the header).
const ZH = {
  title: "大厅监管台", login: "登录", username: "用户名", password: "密码", logout: "退出", loginFailed: "用户名或密码错误",
  lockedOut: "错误次数过多，账户已锁定", sessionEnded: "会话已结束，请重新登录",
  tabLive: "实时大厅", tabAlerts: "超时预警", tabInbox: "好差评", tabReports: "统计报表", tabDevices: "设备",
  tabUsers: "账户", connecting: "正在连接…", lost: t => `连接中断（最后联系 ${t}），正在重连…`,
  idle: "空闲", serving: "办理中", called: "已呼叫", paused: "暂停", closed: "未签到", noClerk: "—",
  service: "服务事项", waiting: "等候", longest: "最长等候", estimated: "预计等候", level: "今日按时叫号率",
  windowsOpen: "开放窗口", min: "分", totals: "全大厅", issued: "今日取号", servingNow: "办理中",
  windowsOpenOf: (a, b) => `${a}/${b} 窗口在岗`,
  alertKinds: { wait: "等候超时", serving: "办理超时", unserved_queue: "队列无窗口办理", unstaffed: "开门未签到",
                paused: "暂停过久", device: "设备故障", device_silent: "设备失联" },
  lead: "预警", red: "超时", ack: "确认", ackNote: "处理说明", acked: "已确认", noAlerts: "当前无预警",
  ticket: "号码", window: "窗口", clerk: "坐席", wait: "等候", serviceTime: "办理时长", reason: "原因", comment: "评价内容",
  status: "状态", due: "时限", overdue: t => `已逾期 ${t}`, left: t => `剩余 ${t}`, noCases: "暂无差评",
  statuses: { open: "待回访", contacted: "已回访", verified: "已核实", rectified: "已整改", closed: "已办结" },
  actions: { contact: "回访", verify: "核实", rectify: "整改", close: "办结" },
  valid: "情况属实", invalid: "情况不属实", note: "说明", from: "从", to: "至", all: "全部", filter: "筛选",
  exportXlsx: "导出 Excel", exportCsv: "导出 CSV", levels: { 1: "非常不满意", 2: "不满意" },
  newBad: n => `新差评 ${n}`,
  period: "统计期间", cut: "分组", cutNone: "不分组", show: "查询",
  cuts: { day: "按日", service: "按事项", window: "按窗口", clerk: "按坐席", priority: "按类别", hour: "按时段", weekday: "按星期" },
  kinds: { summary: "综合", services: "服务事项", windows: "窗口", clerks: "坐席", hours: "时段", ratings: "好差评",
           attendance: "考勤", followups: "差评整改" },
  chArrivals: "各时段取号与平均等候", chLevel: "各事项按时叫号率", chWindows: "各窗口办理量", chClerks: "各坐席办理量",
  chSatisfaction: "满意度趋势（好评率）", chOutcomes: "办理结果构成", arrivals: "取号数", avgWait: "平均等候(分)",
  served: "办理数", goodRate: "好评率", noCharts: "图表库未安装（运行 scripts/setup.sh）", table: "明细表",
  device: "设备", kind: "类型", state: "状态", detail: "说明", since: "状态起始", lastReport: "最后上报", version: "版本", noDevices: "暂无设备上报",
  deviceStates: { ready: "正常", paper_out: "缺纸", paper_near_end: "纸将尽", cover_open: "开盖", offline: "离线",
                  unreachable: "离线", unknown: "未知", stale: "失联" },
  name: "姓名", role: "角色", roles: { supervisor: "值班长", admin: "管理员" }, addUser: "添加账户", saved: "已保存",
  created: "创建时间", signOut: "签退", signOutConfirm: (w, c) => `将 ${c} 从 ${w} 签退？`,
  sheet: "月度考核表", sheetTitle: (h, m) => `${h} ${m} 窗口工作人员月度考核表`, sheetSign: ["考核人", "审核人", "日期"],
  tabActions: "操作", tabAudit: "审计", done: "已执行", serviceOpen: "开放取号", serviceClosed: "已停止取号",
  extendedTo: t => `延时服务至 ${t}`, openService: "开放", closeService: "停止取号", extend: "延时至", endExtension: "结束延时",
  postNotice: "发布滚动通知", noticeZh: "通知内容（中文）", noticeEn: "英文内容（英文显示屏只显示英文）", noticeUntil: "截止时间",
  takeDown: "撤下通知", noticeNow: t => `当前通知：${t}`, noNotice: "当前无通知",
  cancelTicket: "取消号码", unlockClerk: "解除 PIN 锁定", staffId: "工号", time: "时间", actor: "操作人", action: "事项",
  city: "市级平台", cityDown: "未连接市级平台", citySynced: "市级平台已同步", cityConnecting: "正在连接市级平台",
  cityBehind: (n, t) => `落后 ${n} 条（${t}）`, cityLastOk: t => `最近上报 ${t}`,
};
const EN = {
  title: "Hall console", login: "Log in", username: "Username", password: "Password", logout: "Log out",
  loginFailed: "Wrong username or password", lockedOut: "Too many wrong passwords: the account is locked",
  sessionEnded: "The session ended: log in again",
  tabLive: "Live hall", tabAlerts: "Alerts", tabInbox: "Ratings inbox", tabReports: "Reports", tabDevices: "Devices",
  tabUsers: "Accounts", connecting: "Connecting…", lost: t => `Connection lost (last contact ${t}); reconnecting…`,
  idle: "Idle", serving: "Serving", called: "Called", paused: "Paused", closed: "Not signed in", noClerk: "—",
  service: "Service", waiting: "Waiting", longest: "Longest wait", estimated: "Est. wait", level: "Service level today",
  windowsOpen: "Open windows", min: "min", totals: "Hall", issued: "Issued today", servingNow: "Serving",
  windowsOpenOf: (a, b) => `${a}/${b} windows staffed`,
  alertKinds: { wait: "Wait over target", serving: "Long visit", unserved_queue: "Queue with no open window",
                unstaffed: "Unstaffed at opening", paused: "Paused too long", device: "Device fault",
                device_silent: "Device silent" },
  lead: "Soon", red: "Overdue", ack: "Acknowledge", ackNote: "Note", acked: "Acknowledged", noAlerts: "No alerts",
  ticket: "Number", window: "Window", clerk: "Clerk", wait: "Wait", serviceTime: "Service time", reason: "Reason",
  comment: "Comment", status: "Status", due: "Due", overdue: t => `${t} overdue`, left: t => `${t} left`,
  noCases: "No bad ratings",
  statuses: { open: "Open", contacted: "Contacted", verified: "Verified", rectified: "Rectified", closed: "Closed" },
  actions: { contact: "Contact", verify: "Verify", rectify: "Rectify", close: "Close" },
  valid: "Valid", invalid: "Not valid", note: "Note", from: "From", to: "To", all: "All", filter: "Filter",
  exportXlsx: "Export Excel", exportCsv: "Export CSV", levels: { 1: "Very dissatisfied", 2: "Dissatisfied" },
  newBad: n => `New bad rating ${n}`,
  period: "Period", cut: "Cut", cutNone: "No cut", show: "Show",
  cuts: { day: "By day", service: "By service", window: "By window", clerk: "By clerk", priority: "By priority",
          hour: "By hour", weekday: "By weekday" },
  kinds: { summary: "Summary", services: "Services", windows: "Windows", clerks: "Clerks", hours: "Hours",
           ratings: "Ratings", attendance: "Attendance", followups: "Follow-ups" },
  chArrivals: "Arrivals and average wait per hour", chLevel: "Service level per service",
  chWindows: "Served per window", chClerks: "Served per clerk", chSatisfaction: "Satisfaction trend (good rate)",
  chOutcomes: "Outcome mix", arrivals: "Arrivals", avgWait: "Avg wait (min)", served: "Served", goodRate: "Good rate",
  noCharts: "Charts not installed (run scripts/setup.sh)", table: "Table",
  device: "Device", kind: "Kind", state: "State", detail: "Detail", since: "Since", lastReport: "Last report", version: "Version", noDevices: "No device has reported",
  deviceStates: { ready: "OK", paper_out: "Out of paper", paper_near_end: "Paper low", cover_open: "Cover open",
                  offline: "Offline", unreachable: "Offline", unknown: "Unknown", stale: "Not reporting" },
  name: "Name", role: "Role", roles: { supervisor: "Supervisor", admin: "Admin" }, addUser: "Add account",
  saved: "Saved", created: "Created", signOut: "Sign out", signOutConfirm: (w, c) => `Sign ${c} out of ${w}?`,
  sheet: "Monthly appraisal", sheetTitle: (h, m) => `${h} · monthly appraisal of window staff · ${m}`,
  sheetSign: ["Appraiser", "Reviewed by", "Date"], tabActions: "Actions", tabAudit: "Audit", done: "Done", serviceOpen: "Issuing",
  serviceClosed: "Closed", extendedTo: t => `Extended to ${t}`, openService: "Open", closeService: "Close",
  extend: "Extend to", endExtension: "End extension", cancelTicket: "Cancel ticket", unlockClerk: "Lift PIN lockout",
  postNotice: "Post a ticker notice", noticeZh: "Notice (Chinese)", noticeEn: "English text (English screens show only this)", noticeUntil: "Until",
  takeDown: "Take down", noticeNow: t => `Showing: ${t}`, noNotice: "No notice posted",
  staffId: "Staff ID", time: "Time", actor: "Who", action: "Action",
  city: "City", cityDown: "Not connected to the city", citySynced: "City: up to date", cityConnecting: "Connecting to the city",
  cityBehind: (n, t) => `${n} events (${t}) behind`, cityLastOk: t => `Last batch ${t}`,
};

const params = new URLSearchParams(location.search);
export let lang = params.get("lang") || localStorage.getItem("hallq.console.lang") || "zh";
if (lang !== "en") lang = "zh";
export const T = () => (lang === "en" ? EN : ZH);
export function setLang(l) { lang = l === "en" ? "en" : "zh"; localStorage.setItem("hallq.console.lang", lang); }
export function nameOf(obj) { return obj ? (lang === "en" ? obj.name_en : obj.name_zh) : ""; }
// An item of one of the hall's zh/en lists (stored as its Chinese text) in the console's language: in English, the
// English list's item at the same position; otherwise (or with no English for it) `otherwise`, the stored text.
export function listText(stored, zh, en, otherwise = stored) {
  const i = (zh || []).indexOf(stored);
  const text = i >= 0 ? (en || [])[i] : "";
  return lang === "en" && text ? text : otherwise;
}
export function mins(ms) { return Math.max(0, Math.floor(ms / 60000)); }
export function clockText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(x).padStart(2, "0")}`;
}
export function span(ms) {
  const m = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), r = m % 60;
  const zh = lang !== "en";
  if (d) return zh ? `${d}天${h}小时` : `${d}d ${h}h`;
  if (h) return zh ? `${h}小时${r}分` : `${h}h ${r}m`;
  return zh ? `${r}分` : `${r} min`;
}
