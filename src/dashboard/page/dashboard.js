// The dashboard page: plain JavaScript, no build step, nothing loaded from anywhere but the agent that served it.
// It reads the agent's JSON API (src/dashboard/server.ts) relative to its own address, which carries the secret,
// and refreshes what changed when the agent's event stream says so. Every text from the agent is set as text
// (textContent), never as markup; the one exception is the evidence chart, an SVG the agent's report renderer
// escaped, parsed as SVG through a single named Trusted Types policy.

/** @type {{ language: string, strings: Record<string, string>, version: string }} */
let boot = { language: "en", strings: {}, version: "" };
let chartWindow = "6h";
let lastStatus = null;
let lastSettings = null;
/** "Use this folder" picked but no folder saved yet: a settings update arriving meanwhile must not switch it back. */
let choosingFolder = false;
// What the player typed in the folder box and has not saved (or was refused): an update from another save, arriving
// later over the event stream, must not replace it.
let folderDraft = null;

const $ = (id) => document.getElementById(id);

/** A word from the catalogue, with `{name}` placeholders filled in. */
function t(key, values = {}) {
  const s = boot.strings[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

/** A catalogue text as DOM nodes, with some placeholders filled by elements (a path in its own style). */
function tNodes(key, nodes, values = {}) {
  const parts = (boot.strings[key] ?? key).split(/(\{\w+\})/);
  return parts.map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    if (m && m[1] in nodes) return nodes[m[1]];
    return document.createTextNode(m && m[1] in values ? String(values[m[1]]) : part);
  });
}

/** An element with text (never markup) and optional attributes. */
function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (k === "class") e.className = String(v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  return e;
}

// ---- time and durations: local time with the zone, durations one way everywhere --------------------------------

const pad = (n) => String(n).padStart(2, "0");

function zone(d) {
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  const h = Math.floor(a / 60);
  const m = a % 60;
  return t("time.zone", { offset: `${off >= 0 ? "+" : "-"}${h}${m === 0 ? "" : `:${pad(m)}`}` });
}

/** "21:04 (UTC+1)", or "2 Mar, 21:04 (UTC+1)" when it is not today. */
function timeAt(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const today = new Date();
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  const day = sameDay ? "" : `${new Intl.DateTimeFormat(boot.language, { day: "numeric", month: "short" }).format(d)}, `;
  return t("time.at", { time: `${day}${clock}`, zone: zone(d) });
}

/** "46 s", "3 min", "1 h 12 min", "2 h": seconds only under a minute (as the toasts and the terminal say it). */
function duration(ms) {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const seconds = Math.round(safe / 1000);
  if (seconds < 60) return t("duration.s", { n: seconds });
  const minutes = Math.max(1, Math.round(safe / 60000));
  if (minutes < 60) return t("duration.min", { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? t("duration.h", { h }) : t("duration.hmin", { h, m });
}

/** Seconds this young read as "just now": a drop that has only begun is not "For 0 s" old. */
const JUST_NOW_MS = 10_000;

/** "For 3 min, since 21:04 (UTC+1)", or "Just now, at 21:04 (UTC+1)" in the first seconds. */
function sinceLine(sinceIso) {
  const age = Date.now() - Date.parse(sinceIso);
  const time = timeAt(sinceIso);
  return age < JUST_NOW_MS ? t("status.sinceJustNow", { time }) : t("status.since", { time, duration: duration(age) });
}

// ---- talking to the agent ----------------------------------------------------------------------------------------

/** GET (no body) or POST (JSON body) to the agent's API; resolves with the JSON answer (422 answers included). */
async function api(path, body) {
  const init =
    body === undefined
      ? { method: "GET", headers: { Accept: "application/json" } }
      : { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) };
  let res;
  try {
    res = await fetch(`api/${path}`, { ...init, cache: "no-store", credentials: "omit", redirect: "error" });
  } catch {
    throw new Error(t("error.offline"));
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok && res.status !== 422) throw new Error((data && data.message) || `HTTP ${res.status}`);
  return data;
}

function setLink(state) {
  const link = $("link");
  link.dataset.state = state;
  link.textContent = state === "live" ? t("link.live") : state === "lost" ? t("link.lost") : t("link.reconnecting");
}

// ---- words on the page ---------------------------------------------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = boot.language;
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll("[data-t-label]")) e.setAttribute("aria-label", t(e.dataset.tLabel));
  document.title = `${t("app.name")} – ${t("app.subtitle")}`;
  $("version").textContent = t("footer.version", { version: boot.version });
  setLink($("link").dataset.state === "live" ? "live" : $("link").dataset.state === "lost" ? "lost" : "reconnecting");
}

// ---- status -----------------------------------------------------------------------------------------------------

function renderStatus(v) {
  lastStatus = v;
  const card = $("status-card");
  card.dataset.icon = v.icon;
  $("state-word").textContent = t(`status.icon.${v.icon}`);
  let verdict;
  if (v.mode === "paused" && v.pausedUntil) verdict = t("status.paused", { time: timeAt(v.pausedUntil) });
  else if (v.mode === "stopped") verdict = t("status.stopped");
  else if (v.verdict === null) verdict = t("status.checking");
  else if (v.status === "problem") verdict = t("status.confirming");
  else verdict = v.title;
  $("verdict").textContent = verdict;
  $("since").textContent = v.since && v.verdict !== null && v.mode === "running" ? sinceLine(v.since) : "";
  const m = $("maintenance");
  m.hidden = !(v.maintenance.active && v.maintenance.message);
  m.textContent = v.maintenance.message ? t("status.maintenance", { message: v.maintenance.message }) : "";

  const d = v.diagnosis;
  $("meaning").textContent = d ? d.meaning : "";
  const evidence = $("evidence");
  const lines = d ? d.saw : [];
  evidence.replaceChildren(...lines.map((l) => el("li", l)));
  $("saw-box").hidden = lines.length === 0;
  const advice = $("advice");
  advice.replaceChildren(
    ...(d ? d.advice : []).map((a) => {
      const li = el("li", a.text);
      if (a.step !== null) li.append(el("span", t("status.step", { n: a.step }), { class: "step" }));
      return li;
    }),
  );
  $("todo-box").hidden = !d || d.advice.length === 0;
  $("details").hidden = !d;
  $("confidence").textContent = d ? t("status.confidence", { level: t(`confidence.${d.confidence}`) }) : "";
  $("checked").textContent = v.lastRoundAt ? t("status.checkedAt", { time: timeAt(v.lastRoundAt) }) : "";
  $("details-list").replaceChildren(
    ...(d ? d.details : []).map((x) => {
      const li = el("li", x.text);
      if (x.code) li.append(el("code", x.code));
      return li;
    }),
  );
}

async function loadStatus() {
  renderStatus(await api("status"));
}

async function diagnose() {
  const btn = $("diagnose");
  const msg = $("action-msg");
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  btn.textContent = t("action.diagnosing");
  msg.className = "";
  msg.textContent = t("action.diagnosing");
  try {
    renderStatus(await api("diagnose", {}));
    msg.textContent = t("action.diagnosed", { time: timeAt(new Date().toISOString()) });
  } catch (e) {
    msg.className = "error";
    msg.textContent = t("action.diagnoseFailed", { message: e.message });
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
    btn.textContent = t("action.diagnose");
  }
}

async function collectBundle() {
  const btn = $("bundle");
  const msg = $("action-msg");
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  btn.textContent = t("action.bundling");
  msg.className = "";
  msg.textContent = t("action.bundling");
  $("bundle-hint").hidden = true;
  $("reveal").hidden = true;
  try {
    const r = await api("bundle", {});
    if (r.ok) {
      msg.replaceChildren(...tNodes("action.bundleSaved", { path: el("span", r.path, { class: "path", id: "bundle-path" }) }));
      $("bundle-hint").hidden = false;
      $("reveal").hidden = false;
    } else {
      msg.className = "error";
      msg.textContent = t("action.bundleFailed", { message: r.message });
    }
  } catch (e) {
    msg.className = "error";
    msg.textContent = t("action.bundleFailed", { message: e.message });
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
    btn.textContent = t("action.bundle");
  }
}

// ---- history: chart, incidents, changes ---------------------------------------------------------------------------

/** The single place markup from the agent is parsed: the report renderer's escaped SVG, as SVG (never as HTML). */
const chartPolicy = window.trustedTypes ? window.trustedTypes.createPolicy("dashboard-chart", { createHTML: (s) => s }) : { createHTML: (s) => s };

async function loadChart() {
  const box = $("chart");
  $("chart-h").textContent = t(`chart.heading.${chartWindow}`);
  for (const b of document.querySelectorAll("#chart-windows button")) b.setAttribute("aria-pressed", String(b.dataset.window === chartWindow));
  if (box.childElementCount === 0) box.replaceChildren(el("p", t("chart.loading")));
  try {
    const c = await api(`chart?window=${encodeURIComponent(chartWindow)}`);
    if (c.empty) {
      box.replaceChildren(el("p", t("chart.empty")));
      return;
    }
    const doc = new DOMParser().parseFromString(chartPolicy.createHTML(c.svg), "image/svg+xml");
    if (doc.querySelector("parsererror") || doc.documentElement.localName !== "svg") throw new Error("not an SVG");
    box.replaceChildren(document.importNode(doc.documentElement, true));
  } catch (e) {
    box.replaceChildren(el("p", t("chart.failed", { message: e.message })));
  }
}

function renderIncidents(rows) {
  const table = $("incidents");
  $("incidents-empty").hidden = rows.length > 0;
  table.hidden = rows.length === 0;
  table.tBodies[0].replaceChildren(
    ...rows.map((i) => {
      const tr = el("tr", null, { class: "incident-row" });
      tr.append(el("td", timeAt(i.start)));
      tr.append(el("td", i.end === null ? t("incidents.ongoing") : duration(i.durationMs ?? Date.parse(i.end) - Date.parse(i.start))));
      const cause = el("td", i.causes.join(" → "));
      if (i.stoppedEarly) cause.append(el("span", t("incidents.stoppedEarly"), { class: "sub" }));
      tr.append(cause);
      return tr;
    }),
  );
}

function fixResult(f) {
  const td = el("td");
  td.append(el("span", t(`fixes.state.${f.state}`), { class: `state-${f.state}` }));
  if (f.undo && f.undo.state === "pending") td.append(el("span", t("fixes.undoPending"), { class: "sub" }));
  if (f.undo && f.undo.state === "failed") td.append(el("span", t("fixes.undoFailed", { message: f.undo.message ?? "" }), { class: "sub" }));
  if (f.message) td.append(el("span", f.message, { class: "sub" }));
  return td;
}

function renderFixes(rows, undoable) {
  const table = $("fixes");
  $("fixes-empty").hidden = rows.length > 0;
  table.hidden = rows.length === 0;
  table.tBodies[0].replaceChildren(
    ...rows.map((f) => {
      const tr = el("tr", null, { class: "fix-row", "data-entry": f.entryId });
      tr.append(el("td", timeAt(f.at)));
      const what = el("td", f.title);
      if (f.changes.length > 0) {
        const ul = el("ul");
        ul.replaceChildren(...f.changes.slice(0, 4).map((c) => el("li", c)));
        what.append(ul);
      }
      tr.append(what);
      tr.append(el("td", t(`fixes.by.${f.by}`)));
      tr.append(fixResult(f));
      const act = el("td");
      if (f.undoable) {
        const b = el("button", t("fixes.undo"), { type: "button", class: "small undo", "aria-label": t("fixes.undoLabel", { fix: f.title, time: timeAt(f.at) }) });
        b.addEventListener("click", () => undo({ entryId: f.entryId }, b));
        act.append(b);
      }
      tr.append(act);
      return tr;
    }),
  );
  $("undo-all").hidden = undoable < 1;
  $("undo-all-q").textContent = t("fixes.undoAllAsk", { n: undoable });
}

async function loadHistory() {
  try {
    const h = await api("history");
    renderIncidents(h.incidents);
    renderFixes(h.fixes, h.undoable);
  } catch (e) {
    const msg = $("fixes-msg");
    msg.className = "out error";
    msg.textContent = t("fixes.loadFailed", { message: e.message });
  }
}

async function undo(target, button) {
  const msg = $("fixes-msg");
  if (button) {
    button.disabled = true;
    button.textContent = t("fixes.undoing");
  }
  msg.className = "out";
  msg.textContent = t("fixes.undoing");
  try {
    const r = await api("undo", target === "all" ? { all: true } : target);
    msg.className = r.ok ? "out" : "out error";
    msg.textContent = r.ok ? t("fixes.undone", { message: r.message }) : t("fixes.undoError", { message: r.message });
  } catch (e) {
    msg.className = "out error";
    msg.textContent = t("fixes.undoError", { message: e.message });
  }
  await loadHistory();
}

// ---- settings -----------------------------------------------------------------------------------------------------

const REMINDERS = [0, 30, 60, 120, 240];

function fixFacts(f) {
  return [t(`risk.${f.risk}`), f.reversible ? t("fix.reversible") : t("fix.irreversible"), f.needsAdmin ? t("fix.admin") : null, f.rebootNeeded ? t("fix.reboot") : null]
    .filter(Boolean)
    .join(" · ");
}

function policyRow(f) {
  const tr = el("tr", null, { "data-fix": f.id });
  const th = el("th", f.title, { scope: "row", id: `fix-${f.id}` });
  th.append(el("span", fixFacts(f), { class: "sub" }));
  tr.append(th);
  const td = el("td");
  const group = el("fieldset", null, { "aria-labelledby": `fix-${f.id}` });
  for (const choice of ["auto", "ask", "never"]) {
    const id = `policy-${f.id}-${choice}`;
    const input = el("input", null, { type: "radio", name: `policy-${f.id}`, value: choice, id });
    input.checked = f.policy === choice;
    input.disabled = choice === "auto" && !f.autoAllowed;
    if (input.disabled) input.setAttribute("aria-describedby", `policy-${f.id}-note`);
    input.addEventListener("change", () => save([{ key: `fixes.policy.${f.id}`, value: choice }], $("fs-fixes")));
    const label = el("label", null, { for: id, class: input.disabled ? "off" : "" });
    label.append(input, document.createTextNode(t(`policy.${choice}`)));
    group.append(label);
  }
  if (!f.autoAllowed) group.append(el("span", t("policy.highRisk"), { class: "policy-note", id: `policy-${f.id}-note` }));
  td.append(group);
  tr.append(td);
  return tr;
}

function renderSettings(s) {
  lastSettings = s;
  const focused = document.activeElement && document.activeElement.id;
  $("settings-file").replaceChildren(...tNodes("settings.file", { file: el("span", s.file, { class: "path" }) }));
  $("language").value = s.language;
  $("notifications").checked = s.notifications;
  const rem = $("reminder");
  const values = REMINDERS.includes(s.reminderMinutes) ? REMINDERS : [...REMINDERS, s.reminderMinutes].sort((a, b) => a - b);
  rem.replaceChildren(...values.map((n) => el("option", t(REMINDERS.includes(n) ? `notify.reminder.${n}` : "notify.reminder.other", { n }), { value: n })));
  rem.value = String(s.reminderMinutes);
  $("autofix").checked = s.autoFix;
  // Not under the player's fingers: an update from an earlier save must not replace what they are typing.
  if (document.activeElement !== $("dailycap")) $("dailycap").value = String(s.dailyCap);
  $("policy").tBodies[0].replaceChildren(...s.fixes.map(policyRow));

  if (s.game.setting !== "auto") choosingFolder = false; // a folder is saved: the choice is made
  const custom = s.game.setting !== "auto" || choosingFolder;
  $("game-auto").checked = !custom;
  $("game-custom").checked = custom;
  const dir = $("game-dir");
  if (document.activeElement !== dir) dir.value = folderDraft !== null && custom ? folderDraft : s.game.setting !== "auto" ? s.game.setting : choosingFolder ? dir.value : (s.game.inUse ?? "");
  dir.disabled = !custom;
  $("game-save").disabled = !custom;
  const status = [];
  if (custom && s.game.folderHasGame !== null) status.push(s.game.folderHasGame ? t("game.hasGame") : t("game.noGame"));
  else status.push(s.game.inUse ? t("game.found", { path: s.game.inUse }) : t("game.notFound"));
  if (custom && s.game.inUse && s.game.inUse !== s.game.setting) status.push(t("game.inUse", { path: s.game.inUse }));
  $("game-status").textContent = status.join(" ");

  const a = $("autostart");
  a.checked = s.autostart.enabled === true;
  a.disabled = !s.autostart.supported;
  // Supported but unreadable (reg.exe refused): unknown, which an unticked box alone would show as "off".
  $("autostart-note").textContent = !s.autostart.supported
    ? s.autostart.reason === "not-windows" ? t("autostart.notWindows") : t("autostart.unavailable", { reason: s.autostart.reasonText ?? "" })
    : s.autostart.enabled === null ? t("autostart.unreadable") : "";
  if (focused && $(focused)) $(focused).focus();
}

async function loadSettings() {
  try {
    renderSettings(await api("settings"));
    $("settings-error").hidden = true;
  } catch (e) {
    const err = $("settings-error");
    err.hidden = false;
    err.textContent = t("settings.loadFailed", { message: e.message });
  }
}

/**
 * Saves changes; the message goes into the fieldset's own status line. Refused: the controls show what is saved.
 * Resolves to whether it was saved.
 */
async function save(changes, fieldset) {
  const msg = fieldset.querySelector(".save-msg");
  msg.className = "save-msg";
  msg.textContent = t("settings.saving");
  let r;
  try {
    r = await api("settings", { changes });
  } catch (e) {
    r = { ok: false, message: e.message };
  }
  if (r.ok) {
    msg.className = "save-msg ok";
    msg.textContent = r.restartNeeded.length > 0 ? t("settings.savedRestart") : t("settings.saved");
    const languageChanged = r.settings.language !== lastSettings?.language;
    renderSettings(r.settings);
    if (languageChanged) await reloadLanguage(fieldset);
    return true;
  }
  msg.className = "save-msg error";
  msg.textContent = t("settings.refused", { message: r.message });
  if (lastSettings) renderSettings(lastSettings);
  return false;
}

/** The language changed: new words everywhere, the same data; messages said in the old language are dropped. */
async function reloadLanguage(fieldset) {
  boot = await api("bootstrap");
  applyStrings();
  const mine = fieldset.querySelector(".save-msg");
  for (const m of document.querySelectorAll(".save-msg, #action-msg, #fixes-msg")) if (m !== mine) m.replaceChildren();
  mine.textContent = t("settings.saved");
  $("bundle-hint").hidden = true;
  $("reveal").hidden = true;
  await Promise.all([loadStatus(), loadHistory(), loadChart(), loadSettings()]);
}

function wireSettings() {
  $("settings-form").addEventListener("submit", (e) => e.preventDefault());
  $("language").addEventListener("change", (e) => save([{ key: "ui.language", value: e.target.value }], $("fs-language")));
  $("notifications").addEventListener("change", (e) => save([{ key: "notifications.enabled", value: e.target.checked }], $("fs-notify")));
  $("reminder").addEventListener("change", (e) => save([{ key: "monitor.reminderMinutes", value: Number(e.target.value) }], $("fs-notify")));
  $("autofix").addEventListener("change", (e) => save([{ key: "autoFix", value: e.target.checked }], $("fs-fixes")));
  $("dailycap").addEventListener("change", (e) => {
    const text = e.target.value.trim();
    // What the player typed goes to the agent as it is: its checks say what is wrong with it, in the loader's words.
    const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    save([{ key: "fixes.dailyCap", value }], $("fs-fixes"));
  });
  $("game-auto").addEventListener("change", () => {
    choosingFolder = false;
    folderDraft = null;
    save([{ key: "game.installDir", value: "auto" }], $("fs-game"));
  });
  $("game-custom").addEventListener("change", () => {
    choosingFolder = true;
    $("game-dir").disabled = false;
    $("game-save").disabled = false;
    $("game-dir").focus();
  });
  const saveDir = async () => {
    const typed = $("game-dir").value;
    // Refused (a relative path, a typo): the player corrects what they typed instead of typing it again.
    folderDraft = typed;
    if (await save([{ key: "game.installDir", value: typed }], $("fs-game"))) {
      folderDraft = null;
      if (lastSettings) renderSettings(lastSettings);
    } else {
      choosingFolder = true;
      if (lastSettings) renderSettings(lastSettings);
      $("game-dir").value = typed;
    }
  };
  $("game-dir").addEventListener("input", (e) => (folderDraft = e.target.value));
  $("game-save").addEventListener("click", saveDir);
  $("game-dir").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      saveDir();
    }
  });
  $("autostart").addEventListener("change", (e) => save([{ key: "startWithWindows", value: e.target.checked }], $("fs-autostart")));
}

// ---- live updates -----------------------------------------------------------------------------------------------------

function connect() {
  const es = new EventSource("api/events");
  let lostTimer = null;
  es.addEventListener("open", () => {
    clearTimeout(lostTimer);
    lostTimer = null;
    setLink("live");
    // Whatever happened while the stream was down, read it now.
    void loadStatus().catch(() => undefined);
    void loadHistory();
  });
  es.addEventListener("error", () => {
    setLink("reconnecting");
    lostTimer ??= setTimeout(() => setLink("lost"), 10000);
  });
  es.addEventListener("status", () => void loadStatus().catch(() => undefined));
  es.addEventListener("history", () => {
    void loadHistory();
    void loadChart();
  });
  es.addEventListener("settings", () => void loadSettings());
}

async function start() {
  boot = await api("bootstrap");
  applyStrings();
  $("diagnose").addEventListener("click", diagnose);
  $("bundle").addEventListener("click", collectBundle);
  $("reveal").addEventListener("click", () => void api("bundle/reveal", {}).catch(() => undefined));
  for (const b of document.querySelectorAll("#chart-windows button")) {
    b.addEventListener("click", () => {
      chartWindow = b.dataset.window;
      void loadChart();
    });
  }
  $("undo-all-btn").addEventListener("click", () => {
    $("undo-all-ask").hidden = false;
    $("undo-all-yes").focus();
  });
  $("undo-all-no").addEventListener("click", () => {
    $("undo-all-ask").hidden = true;
    $("undo-all-btn").focus();
  });
  $("undo-all-yes").addEventListener("click", async () => {
    $("undo-all-ask").hidden = true;
    await undo("all", $("undo-all-btn"));
    $("undo-all-btn").disabled = false;
    $("undo-all-btn").textContent = t("fixes.undoAll");
  });
  wireSettings();
  await Promise.all([loadStatus(), loadHistory(), loadChart(), loadSettings()]);
  connect();
  // "Since … (12 min)" keeps counting between changes.
  setInterval(() => lastStatus && renderStatus(lastStatus), 30000);
  document.body.dataset.ready = "true";
}

start().catch((e) => {
  setLink("lost");
  const err = $("settings-error");
  err.hidden = false;
  err.textContent = t("error.generic", { message: e.message });
});
