// Texts of the admin's clerks, device-token and appointment screens (clerks.js, tokens.js, appointments.js):
// Simplified Chinese by default, complete English; the console's language switch (i18n.js) picks one.
import { lang } from "/static/console/i18n.js";
import { S } from "/static/console/app.js";

const ZH = {
  tabClerks: "坐席", tabTokens: "设备令牌", tabAppointments: "预约",
  staffId: "工号", name: "姓名", pin: "初始 PIN（4-12 位数字）", newPin: "新 PIN", status: "状态", enabled: "启用",
  disabled: "已停用", lockout: "PIN 锁定", lockedOut: n => `已锁定（错 ${n} 次）`, wrongPins: n => `错 ${n} 次`,
  signedInAt: "签到窗口", created: "创建时间", actions: "操作", addClerk: "添加坐席", disable: "停用", enable: "启用",
  resetPin: "重置 PIN", disableConfirm: n => `停用 ${n}？停用后不能签到。`, clerkAdded: n => `已添加 ${n}`,
  clerkDisabled: n => `${n} 已停用`, clerkEnabled: n => `${n} 已启用`, pinReset: n => `${n} 的 PIN 已重置，锁定已解除`,
  clerkHint: "坐席姓名显示在窗口终端、监管台和报表中。停用前须先签退（实时大厅的“签退”）。",
  role: "角色", roles: { kiosk: "取号机", window: "窗口终端", display: "显示屏", supervisor: "值班长", admin: "管理员" },
  window: "窗口", deviceCol: "设备名称", deviceName: "设备名称（如 取号机1、3号窗口）", createToken: "创建令牌", revoke: "吊销", revoked: "已吊销",
  active: "有效", revokeConfirm: n => `吊销“${n}”？该设备立即断开，需新令牌才能再连接。`, tokenRevoked: n => `“${n}”已吊销`,
  secretOnce: "令牌只显示这一次：请现在扫码配对或抄下，关闭后无法再查看。", token: "令牌", savedIt: "我已保存，关闭",
  qrSays: "二维码内容：",
  qrDisplay: "显示屏的页面地址（含令牌）：电视浏览器打开即用。",
  qrDevice: "配对文本 hallq://pair?server=服务器地址&token=令牌（窗口终端另含 window=窗口号）：安装设备时扫入 " +
            "hallq window|kiosk --pair <配对文本>，或把其中 server 与 token 两项填入设备配置。",
  tokenHint: "令牌以哈希保存，列表从不显示令牌本身。",
  day: "日期", show: "查询", code: "预约码", service: "事项", slot: "时段", citizen: "预约人（脱敏）", state: "状态",
  booked: "待签到", checkedIn: t => `已签到 ${t}`, cancelled: "已取消", cancel: "取消预约",
  cancelReason: "取消原因（可不填）", cancelConfirm: c => `取消预约 ${c}？`, apptCancelled: c => `预约 ${c} 已取消`,
  noAppointments: "当日无预约", importTitle: "导入预约（CSV 或 Excel）", upload: "上传导入", chooseFile: "请先选择文件",
  importHint: "列：预约码、事项、日期、开始时间、结束时间、姓名（或 code, service, date, start, end, name）。" +
              "全部行正确才导入，有一行错误则整个文件不导入。姓名只保存脱敏形式（张*明）。",
  uploading: p => `上传中 ${p}%`, checking: "校验中…", imported: (n, d) => `已导入 ${n} 条预约（${d}）`,
  importRefused: (bad, all) => `${all} 行中有 ${bad} 行错误，未导入任何预约。请改正后重新上传：`,
  row: "行", column: "列", why: "原因",
  columns: { code: "预约码", service: "事项", date: "日期", start: "开始时间", end: "结束时间", name: "姓名" },
  rowCodes: { required: "缺少内容", invalid_code: "预约码应为 4-32 位字母或数字", unknown_service: "无此事项",
              invalid_date: "日期格式应为 2026-11-23", invalid_time: "时间格式应为 09:30",
              slot_order: "结束时间早于开始时间", duplicate_in_file: "文件中重复", duplicate_appointment: "预约码已存在",
              date_in_past: "日期已过", invalid_name: "姓名过长", missing_column: "缺少此列" },
  errors: { clerk_signed_in: "该坐席正在窗口签到，请先在实时大厅签退", clerk_exists: "工号已存在，可重置其 PIN",
            invalid_argument: "输入有误", unknown_clerk: "无此工号", token_name_taken: "已有同名有效令牌，请换一个名称",
            unknown_window: "无此窗口", token_revoked: "令牌已吊销", forbidden: "仅管理员可操作",
            appointment_used: "该预约已签到取号，请改为取消其号票", appointment_cancelled: "该预约已取消",
            unknown_appointment: "无此预约", invalid_format: "文件无法读取（应为 CSV 或 xlsx）", no_rows: "文件中没有预约",
            too_many_rows: "一次最多导入 5000 条", too_large: "文件过大", csrf: "会话已失效，请刷新页面",
            store_unavailable: "存储暂不可写，请重试" },
};

const EN = {
  tabClerks: "Clerks", tabTokens: "Device tokens", tabAppointments: "Appointments",
  staffId: "Staff ID", name: "Name", pin: "Initial PIN (4-12 digits)", newPin: "New PIN", status: "Status",
  enabled: "Enabled", disabled: "Disabled", lockout: "PIN lockout", lockedOut: n => `Locked (${n} wrong)`,
  wrongPins: n => `${n} wrong`, signedInAt: "Signed in at", created: "Created", actions: "Actions",
  addClerk: "Add clerk", disable: "Disable", enable: "Enable", resetPin: "Reset PIN",
  disableConfirm: n => `Disable ${n}? They will not be able to sign in.`, clerkAdded: n => `${n} added`,
  clerkDisabled: n => `${n} disabled`, clerkEnabled: n => `${n} enabled`, pinReset: n => `${n}: new PIN set, lockout lifted`,
  clerkHint: "Clerks' names show on the window terminals, the console and the reports. Sign a clerk out (Live hall) " +
             "before disabling them.",
  role: "Role", roles: { kiosk: "Kiosk", window: "Window terminal", display: "Display", supervisor: "Supervisor",
                         admin: "Admin" },
  window: "Window", deviceCol: "Device name", deviceName: "Device name (e.g. kiosk-1, window-3)", createToken: "Create token", revoke: "Revoke",
  revoked: "Revoked", active: "Active",
  revokeConfirm: n => `Revoke "${n}"? The device disconnects now and needs a new token to connect again.`,
  tokenRevoked: n => `"${n}" revoked`,
  secretOnce: "The token is shown this once: pair the device by its QR code or copy it now; it cannot be shown again.",
  token: "Token", savedIt: "Saved it, close", qrSays: "The QR code holds: ",
  qrDisplay: "the display page's address with its token: a TV's browser opens it as is.",
  qrDevice: "the pairing text hallq://pair?server=SERVER&token=TOKEN (a window terminal's also has window=N): scan it " +
            "into hallq window|kiosk --pair TEXT when setting the device up, or copy its server and token into the " +
            "device's configuration.",
  tokenHint: "Tokens are stored hashed; the list never shows a token itself.",
  day: "Day", show: "Show", code: "Code", service: "Service", slot: "Slot", citizen: "Citizen (masked)", state: "State",
  booked: "Booked", checkedIn: t => `Checked in ${t}`, cancelled: "Cancelled", cancel: "Cancel",
  cancelReason: "Reason (optional)", cancelConfirm: c => `Cancel appointment ${c}?`,
  apptCancelled: c => `Appointment ${c} cancelled`, noAppointments: "No appointments on this day",
  importTitle: "Import appointments (CSV or Excel)", upload: "Upload and import", chooseFile: "Choose a file first",
  importHint: "Columns: code, service, date, start, end, name (or 预约码, 事项, 日期, 开始时间, 结束时间, 姓名). " +
              "The file is imported only when every row is right; one bad row refuses the whole file. Names are " +
              "stored masked (Z*g).",
  uploading: p => `Uploading ${p}%`, checking: "Checking…", imported: (n, d) => `Imported ${n} appointments (${d})`,
  importRefused: (bad, all) => `${bad} of ${all} rows have errors; nothing was imported. Correct them and upload again:`,
  row: "Row", column: "Column", why: "Why",
  columns: { code: "Code", service: "Service", date: "Date", start: "Start", end: "End", name: "Name" },
  rowCodes: { required: "Missing", invalid_code: "A code is 4-32 letters or digits", unknown_service: "No such service",
              invalid_date: "A date looks like 2026-11-23", invalid_time: "A time looks like 09:30",
              slot_order: "Ends before it starts", duplicate_in_file: "Repeated in the file",
              duplicate_appointment: "The code exists already", date_in_past: "The day is over",
              invalid_name: "Name too long", missing_column: "Column missing" },
  errors: { clerk_signed_in: "The clerk is signed in at a window: sign them out in Live hall first",
            clerk_exists: "That staff ID exists: reset its PIN instead", invalid_argument: "Check the input",
            unknown_clerk: "No such staff ID", token_name_taken: "An active token has that name: choose another",
            unknown_window: "No such window", token_revoked: "Already revoked", forbidden: "Admins only",
            appointment_used: "Checked in already: cancel its ticket instead",
            appointment_cancelled: "Cancelled already", unknown_appointment: "No such appointment",
            invalid_format: "The file cannot be read (CSV or xlsx)", no_rows: "The file holds no appointments",
            too_many_rows: "At most 5000 appointments per file", too_large: "The file is too large",
            csrf: "The session expired: reload the page", store_unavailable: "The store cannot write now: try again" },
};

export const P = () => (lang === "en" ? EN : ZH);

// A refusal as the manager reads it: our words for its code, then the server's own message.
export function refusal(e) {
  const known = P().errors[e.code];
  if (!known) return `${e.code || ""} ${e.message}`.trim();
  return lang === "en" ? `${known} (${e.message})` : `${known}（${e.message}）`;
}

// A stored time (ISO, any offset) as the hall's local date and time.
export function when(iso) {
  if (!iso) return "—";
  const opts = { timeZone: S.hall ? S.hall.timezone : undefined, year: "numeric", month: "2-digit", day: "2-digit",
                 hour: "2-digit", minute: "2-digit", hour12: false };
  return new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", opts);
}
