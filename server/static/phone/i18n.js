// The phone page's words, zh (default) and en; every key exists in both (a test checks).
export const TEXTS = {
  zh: {
    title: '排队进度', langButton: 'English', number: '您的号码',
    status: { waiting: '等候中', called: '请到窗口', serving: '办理中', suspended: '已挂起', no_show: '已过号',
              done: '已办结', cancelled: '已取消', expired: '已过期' },
    ahead: n => n === 0 ? '下一个就是您' : `前面还有 ${n} 人`,
    estimate: (lo, hi) => hi <= 2 ? '即将叫号' : `预计等候 ${lo}–${hi} 分钟`,
    materials: '请提前备好材料（一次性告知）', noMaterials: '本事项无需额外材料',
    recent: '最近叫号', noCalls: '暂无叫号',
    goTo: w => `请到 ${w}`, goToNow: '请马上前往办理', recall: '再次呼叫',
    servingAt: w => `正在 ${w} 办理`,
    suspendedAt: w => w ? `请备齐材料后回到 ${w}（或本事项任一窗口）` : '请备齐材料后回到本事项任一窗口',
    suspendedHold: w => `材料由 ${w} 保管，请回到 ${w} 继续办理`,
    suspendedWait: w => `请在大厅稍候，${w} 办好后会再次叫您`,
    bring: '请带回以下材料',
    stepsTitle: n => `一票到底 · ${n}：依次办理`,
    stepState: { done: '已办结', current: '当前步骤', next: '待办理', off: '未办理' },
    stepMark: { done: '✓', current: '▶', next: '·', off: '–' },
    noShow: '您已过号，请到服务台咨询', cancelled: '此号已取消', expired: '此号已过期，请重新取号',
    rateTitle: '请为本次服务评价（扫码评价）', reasonTitle: '请选择不满意的原因', send: '提交评价',
    thanks: '感谢您的评价', rated: '本次服务已评价', rateFailed: '评价未能提交，请重试',
    smsTitle: '短信提醒（可选）', smsPlaceholder: '手机号码', smsButton: '开启短信提醒',
    smsConsent: '我同意本大厅在今天办事期间向此号码发送排队提醒短信；号码加密保存，当天结束后删除。',
    smsOn: m => `短信提醒已开启：${m}。快到您时、叫号时和办结时会发短信给您。`, smsBad: '请输入 11 位手机号并勾选同意',
    smsFailed: '未能开启短信提醒，请稍后再试',
    offline: '网络连接中断，正在重连…', soundHint: '点按屏幕开启叫号提示音', unknown: '没有找到这个号（仅限当天）',
  },
  en: {
    title: 'Your place in the queue', langButton: '中文', number: 'Your number',
    status: { waiting: 'Waiting', called: 'Your turn', serving: 'Being served', suspended: 'Suspended',
              no_show: 'Missed', done: 'Done', cancelled: 'Cancelled', expired: 'Expired' },
    ahead: n => n === 0 ? 'You are next' : n === 1 ? '1 person ahead of you' : `${n} people ahead of you`,
    estimate: (lo, hi) => hi <= 2 ? 'Called very soon' : `About ${lo}–${hi} min`,
    materials: 'Please have these ready', noMaterials: 'Nothing extra to bring',
    recent: 'Last calls', noCalls: 'No calls yet',
    goTo: w => `Please go to ${w}`, goToNow: 'Please go there now', recall: 'Called again',
    servingAt: w => `Being served at ${w}`,
    suspendedAt: w => w ? `Come back to ${w} (or any window of this service) with the missing documents`
                        : 'Come back to any window of this service with the missing documents',
    suspendedHold: w => `${w} keeps your documents: please come back to ${w}`,
    suspendedWait: w => `Please wait in the hall: ${w} will call you again`,
    bring: 'Please bring back',
    stepsTitle: n => `One ticket for every step · ${n}`,
    stepState: { done: 'Done', current: 'Now', next: 'Next', off: 'Not reached' },
    stepMark: { done: '✓', current: '▶', next: '·', off: '–' },
    noShow: 'Your number was missed: please ask at the service desk', cancelled: 'This ticket was cancelled',
    expired: 'This ticket has expired: please take a new one',
    rateTitle: 'Please rate this visit', reasonTitle: 'What went wrong?', send: 'Send',
    thanks: 'Thank you for your rating', rated: 'This visit has been rated', rateFailed: 'Could not send: please try again',
    smsTitle: 'Text message alerts (optional)', smsPlaceholder: 'Mobile number', smsButton: 'Send me texts',
    smsConsent: 'I agree that the hall texts this number about my place in the queue today; the number is stored encrypted and deleted at the end of the day.',
    smsOn: m => `Texts on: ${m}. You get one when your turn is near, when you are called and when you are done.`,
    smsBad: 'Enter an 11-digit mobile number and tick the consent line', smsFailed: 'Could not turn texts on: please try again',
    offline: 'Connection lost, reconnecting…', soundHint: 'Tap the screen to turn on the call sound',
    unknown: 'No such ticket today',
  },
};

export function pickLang(search, stored) {
  const q = new URLSearchParams(search).get('lang');
  if (q === 'en' || q === 'zh') return q;
  return stored === 'en' ? 'en' : 'zh';
}
