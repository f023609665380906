export interface PageButton {
  button: number;
  label: string;
}

/**
 * What staff read when a press is refused because the box hears nothing (503): what happened and
 * what to do, in plain words, no jargon.
 */
export const NO_AUDIO_ADVICE =
  'Not recorded: the microphone is not working. Check that it is plugged in, then switch the box off and on. If it still fails, call your technician.';

/**
 * Shown at the top of the page for as long as the box hears nothing, before anyone presses:
 * staff learn of it from the screen, not from a customer's lost answer.
 */
export const MIC_PROBLEM_BANNER =
  'The microphone is not working: presses are not recorded. Check that it is plugged in, then switch the box off and on. If it still fails, call your technician.';

/** How often the page asks the daemon whether the microphone works. */
const STATUS_POLL_MS = 5000;

/** The page's cancel gesture: hold any button this long. */
const PAGE_LONG_PRESS_MS = 2000;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The on-screen buttons for a touchscreen or tablet at the counter: one big button per logical
 * button, each posting to the same press endpoint as the CLI. Self-contained (no assets, no
 * framework) because it is served by the device's tiny HTTP face and must work offline.
 */
export function buttonPage(buttons: PageButton[]): string {
  const items = buttons
    .map(
      ({ button, label }) =>
        `<button data-button="${button}"><span class="n">${button}</span>${escapeHtml(label)}</button>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">
<title>Earshot</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; background: #111; color: #eee; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; padding: 1rem; }
  button { min-height: 8rem; font-size: 1.6rem; border: 0; border-radius: 1rem; background: #2a5d9f; color: #fff;
    touch-action: manipulation; user-select: none; -webkit-user-select: none; }
  button:active { background: #3f7fd0; }
  button.ok { background: #2e8b57; } button.bad { background: #b03a2e; }
  .n { display: block; font-size: 1rem; opacity: .7; }
  #msg { text-align: center; font-size: 1.2rem; min-height: 1.5em; padding: .5rem; }
  #alert { margin: 1rem 1rem 0; padding: 1rem; border-radius: 1rem; background: #b03a2e; color: #fff;
    font-size: 1.3rem; text-align: center; }
  #alert[hidden] { display: none; }
</style>
</head>
<body>
<p id="alert" role="alert" hidden>${escapeHtml(MIC_PROBLEM_BANNER)}</p>
<main>
${items}
</main>
<p id="msg">Tap to mark a conversation. Hold ${PAGE_LONG_PRESS_MS / 1000} s to cancel the last one.</p>
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
        flash(el, ok, ok ? 'Last clip cancelled' : 'Nothing to cancel');
      } else {
        const status = await post('/api/v1/press', { button: Number(el.dataset.button) });
        flash(el, status === 202, status === 202 ? 'Recorded' : status === 503 ? ${JSON.stringify(NO_AUDIO_ADVICE)} : 'Not recorded: see the device');
      }
    } catch {
      flash(el, false, 'Device not reachable');
    }
  });
}
</script>
</body>
</html>
`;
}
