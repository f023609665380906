import { PAGE_TEXT, type PageLanguage } from './page-text.js';

export interface PageButton {
  button: number;
  label: string;
}

/** How often the page asks the daemon whether the microphone works. */
const STATUS_POLL_MS = 5000;

/** The page's cancel gesture: hold any button this long. */
const PAGE_LONG_PRESS_MS = 2000;

/** Columns of the grid: up to four across, so that eight buttons fill an 800x480 screen in two rows. */
const MAX_COLUMNS = 4;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The on-screen buttons for a touchscreen or tablet at the counter: one big button per button
 * staff may use, each posting to the same press endpoint as the CLI. The buttons share the whole
 * screen (no scrolling on a 800x480 panel). Self-contained (no assets, no framework) because it
 * is served by the device's tiny HTTP face and must work offline.
 */
export function buttonPage(buttons: PageButton[], language: PageLanguage = 'en'): string {
  const text = PAGE_TEXT[language];
  const columns = Math.min(MAX_COLUMNS, buttons.length <= MAX_COLUMNS ? buttons.length : Math.ceil(buttons.length / 2));
  const items = buttons
    .map(
      ({ button, label }) =>
        `<button data-button="${button}"><span class="n">${button}</span>${escapeHtml(label)}</button>`,
    )
    .join('\n');
  const say = (s: string) => JSON.stringify(s);
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">
<title>Earshot</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; background: #111; color: #eee; }
  body { display: flex; flex-direction: column; }
  main { flex: 1; min-height: 0; display: grid; grid-template-columns: repeat(${Math.max(columns, 1)}, 1fr);
    grid-auto-rows: minmax(5rem, 1fr); gap: .75rem; padding: .75rem; }
  button { font-size: clamp(1.1rem, 4.6vmin, 2.2rem); line-height: 1.2; border: 0; border-radius: 1rem; background: #2a5d9f;
    color: #fff; padding: .5rem; overflow: hidden; overflow-wrap: break-word; hyphens: auto;
    touch-action: manipulation; user-select: none; -webkit-user-select: none; }
  button:active { background: #3f7fd0; }
  button.ok { background: #2e8b57; } button.bad { background: #b03a2e; }
  .n { display: block; font-size: .6em; opacity: .7; }
  #msg { margin: 0; text-align: center; font-size: 1.1rem; min-height: 1.4em; padding: .25rem .75rem .6rem; }
  #alert { margin: .75rem .75rem 0; padding: .75rem; border-radius: 1rem; background: #b03a2e; color: #fff;
    font-size: 1.15rem; text-align: center; }
  #alert[hidden] { display: none; }
</style>
</head>
<body>
<p id="alert" role="alert" hidden>${escapeHtml(text.micProblem)}</p>
<main>
${items}
</main>
<p id="msg">${escapeHtml(text.hint(PAGE_LONG_PRESS_MS / 1000))}</p>
<script>
const msg = document.getElementById('msg');
const alertBox = document.getElementById('alert');
async function checkMicrophone() {
  try {
    const status = await (await fetch('/api/v1/status')).json();
    alertBox.hidden = !(status.mic && status.mic.state !== 'ok');
  } catch {
    // The daemon is restarting: the next look says how it is.
  }
}
checkMicrophone();
setInterval(checkMicrophone, ${STATUS_POLL_MS});
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.status;
}
function flash(el, ok, text) {
  el.classList.add(ok ? 'ok' : 'bad');
  msg.textContent = text;
  setTimeout(() => el.classList.remove('ok', 'bad'), 800);
}
function pressOutcome(status) {
  if (status === 202) return ${say(text.recorded)};
  if (status === 503) return ${say(text.noAudio)};
  if (status === 409) return ${say(text.unmapped)};
  return ${say(text.notRecorded)};
}
for (const el of document.querySelectorAll('button[data-button]')) {
  let downAt = 0;
  el.addEventListener('pointerdown', () => { downAt = Date.now(); });
  el.addEventListener('pointercancel', () => { downAt = 0; });
  el.addEventListener('contextmenu', (e) => e.preventDefault());
  el.addEventListener('pointerup', async () => {
    if (!downAt) return;
    const held = Date.now() - downAt;
    downAt = 0;
    try {
      if (held >= ${PAGE_LONG_PRESS_MS}) {
        const ok = (await post('/api/v1/cancel', {})) === 200;
        flash(el, ok, ok ? ${say(text.cancelled)} : ${say(text.nothingToCancel)});
      } else {
        const status = await post('/api/v1/press', { button: Number(el.dataset.button) });
        flash(el, status === 202, pressOutcome(status));
      }
    } catch {
      flash(el, false, ${say(text.unreachable)});
    }
  });
}
</script>
</body>
</html>
`;
}
