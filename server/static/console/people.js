// The admin's people-and-devices screens (clerks, device tokens, appointments), wired into the console's shell
// (app.js) as one: their tab labels, their set-up when the hall's first snapshot is in, and showing a tab.
import * as clerks from "/static/console/clerks.js";
import * as tokens from "/static/console/tokens.js";
import * as appointments from "/static/console/appointments.js";
import { P } from "/static/console/people_i18n.js";

export const TABS = { clerks, tokens, appointments };  // admin only: hidden from supervisors (data-admin)

export function relabel() { for (const e of document.querySelectorAll("[data-pt]")) e.textContent = P()[e.dataset.pt]; }
export function init() { for (const m of Object.values(TABS)) m.init(); relabel(); }
export function show(tab) { if (TABS[tab]) TABS[tab].show(); }
