// The admin's 日终 (day close) and 排班推演 (what-if staffing) screens, wired into the console's shell (app.js) as
// one: their tab labels, their set-up when the hall's first snapshot is in, and showing a tab.
import * as dayclose from "/static/console/dayclose.js";
import * as whatif from "/static/console/whatif.js";
import { D } from "/static/console/dayops_i18n.js";

export const TABS = { dayclose, whatif };  // admin only: hidden from supervisors (data-admin)

export function relabel() { for (const e of document.querySelectorAll("[data-dt]")) e.textContent = D()[e.dataset.dt]; }
export function init() { for (const m of Object.values(TABS)) m.init(); relabel(); }
export function show(tab) { if (TABS[tab]) TABS[tab].show(); }
