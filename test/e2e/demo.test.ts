import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseWav } from '@earshot/shared/wav';
import { freePort } from '@earshot/test-kit/ports';
import { REPO_ROOT, startProcess, waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';

const run = promisify(execFile);

interface DemoClip {
  id: string;
  status: string;
  storeId: string | null;
  question: { id: string } | null;
  answer: { form: string; value: number | null; source: string | null; needsReview: boolean; reason: string } | null;
}

/** The demo's buttons, as the server's default button map files them. */
const QUESTION_OF_BUTTON: Record<string, string> = { '1': 'nps', '2': 'improve', '3': 'complaint' };

/** The customers' answers in the demo's script, each with its button and the score said (NPS). */
const SCRIPT: { answer: string; button: string; score?: number | null }[] = [
  { answer: 'I would say nine out of ten.', button: '1', score: 9 },
  { answer: 'The queue at the checkout was a bit too long today.', button: '2' },
  { answer: 'Ten. Definitely ten.', button: '1', score: 10 },
  { answer: 'I could not find the oat milk, it was not on the shelf where it used to be.', button: '3' },
  { answer: 'Hmm, I am not sure, I would rather not say.', button: '1', score: null },
  { answer: 'I would say seven out of ten.', button: '1', score: 7 },
];

/** The README's demo command, as a newcomer runs it, stopped after one round of its counter conversations. */
describe('npm run demo', () => {
  it('starts a server and a simulated device; each press is filed under its question, nothing wrong is scored, the unclear answer waits for review', async (t) => {
    const dir = await tempDir();
    const httpPort = await freePort();
    const api = `http://127.0.0.1:${httpPort}`;
    const env = {
      DEMO_DIR: join(dir.path, 'demo'),
      DEMO_HTTP_PORT: String(httpPort),
      DEMO_MQTT_PORT: String(await freePort()),
      DEMO_DEVICE_PORT: String(await freePort()),
      DEMO_PRESSES: '6',
    };
    const demo = startProcess('npm', ['run', '--silent', 'demo'], { env, cwd: REPO_ROOT, processGroup: true });
    t.after(async () => {
      await demo.stop();
      await dir.remove();
    });
    // The presses done, the demo keeps its server up for the console until Ctrl-C.
    await demo.waitForLine(/demo: the console stays up/, 600_000);
    const output = demo.output();
    assert.match(output, /Earshot demo is running/);
    const password = (await readFile(join(env.DEMO_DIR, 'admin-password'), 'utf8')).trim();
    assert.ok(output.includes(`Console:        ${api}/console/`), output);
    assert.ok(output.includes(`Sign in:        demo-admin / ${password}`), 'the sign-in is printed');
    const listen = /listen: .*(http:\/\/\S+\/audio)$/m.exec(output)?.[1];
    assert.ok(listen, `no clip link in the demo's output:\n${output}`);
    assert.ok(listen.startsWith(`http://127.0.0.1:${httpPort}/`));
    assert.match(output, /demo: 6 clip\(s\) stored/);
    const presses = [...output.matchAll(/^pressed button (\d) after "(.*)": clip (\S+)/gm)].map((m) => ({
      button: m[1] ?? '',
      answer: m[2] ?? '',
      clipId: m[3] ?? '',
    }));
    // One round of the script: each conversation's answer pressed once, with its question's button.
    assert.deepEqual(
      presses.map((p) => `${p.button} ${p.answer}`).sort(),
      SCRIPT.map((s) => `${s.button} ${s.answer}`).sort(),
      output,
    );

    {
      assert.equal((await fetch(listen)).status, 401, 'audio only for those signed in');
      const token = (await readFile(join(env.DEMO_DIR, 'admin-token'), 'utf8')).trim();
      const audio = await fetch(listen, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(audio.status, 200);
      // Clips are Ogg/Opus by default: decoded with opusdec (opus-tools) to check their content.
      assert.equal(audio.headers.get('content-type'), 'audio/ogg');
      const ogg = join(dir.path, 'clip.ogg');
      await writeFile(ogg, Buffer.from(await audio.arrayBuffer()));
      await run('opusdec', ['--quiet', '--rate', '16000', ogg, join(dir.path, 'clip.wav')]);
      const wav = parseWav(await readFile(join(dir.path, 'clip.wav')));
      assert.equal(wav.data.length / 2 / wav.format.sampleRate, 16, 'pre-roll 12 s + post-roll 4 s');
      let energy = 0;
      for (let i = 0; i < wav.data.length; i += 2) energy += wav.data.readInt16LE(i) ** 2;
      const rms = Math.sqrt(energy / (wav.data.length / 2));
      assert.ok(rms > 300, `the clip should hold speech, RMS is ${rms.toFixed(0)}`);

      // The server transcribes and reads what the demo pressed.
      const clip = async (id: string) =>
        (await (
          await fetch(`${api}/api/v1/clips/${id}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as DemoClip;
      const clips = await waitFor(
        'the demo clips transcribed and read',
        async () => {
          const all = await Promise.all(presses.map((p) => clip(p.clipId)));
          return all.every((c) => c.status === 'transcribed' && c.answer) ? all : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 500 },
      );
      assert.deepEqual(
        clips.map((c) => c.question?.id),
        presses.map((p) => QUESTION_OF_BUTTON[p.button]),
      );
      // "nine out of ten", "ten", no score given, "seven out of ten", read by the offline path
      // (pocketsphinx and its targeted re-reading of the window). Precision first: a value read is
      // the one said, a value not sure enough waits for a person; the refusal is never scored.
      const npsPresses = presses.filter((p) => p.button === '1');
      const nps = clips.filter((c) => c.question?.id === 'nps').map((c) => c.answer);
      const said = npsPresses.map((p) => SCRIPT.find((s) => s.answer === p.answer)?.score);
      nps.forEach((a, i) => {
        assert.ok(a?.value === null || a?.value === said[i], JSON.stringify({ said, nps }, null, 1));
        if (a?.value === null) assert.equal(a.needsReview, true);
      });
      const noScore = presses.find((p) => p.answer.includes('rather not say'));
      assert.equal(clips.find((c) => c.id === noScore?.clipId)?.answer?.needsReview, true);
      const report = (await (
        await fetch(`${api}/api/v1/nps`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { nps: number | null; answers: number; toReview: number };
      // How many answers pocketsphinx reads depends on the machine's load (a late press moves the
      // window), so the count is reported rather than asserted: what is asserted is that nothing
      // wrong is scored and that NPS counts exactly the answers read.
      const scored = nps.filter((a) => a?.value !== null).length;
      t.diagnostic(`demo: ${scored} of ${nps.length} NPS answers read by the machine: ${JSON.stringify(report)}`);
      assert.equal(report.nps === null, scored === 0);
      assert.equal(report.answers, scored);
      assert.equal(report.toReview, nps.length - scored);
      const review = (await (
        await fetch(`${api}/api/v1/answers/review`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { items: { clipId: string }[] };
      assert.ok(
        review.items.some((i) => i.clipId === noScore?.clipId),
        'the customer who gave no score waits in "To review"',
      );

      // Its device belongs to the seeded store, whose checklist is there to score against.
      const get = async <T>(path: string) =>
        (await (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
      const devices = await get<{ id: string; storeId: string | null }[]>('/api/v1/devices');
      assert.equal(devices.find((d) => d.id === 'demo-counter')?.storeId, 'demo-shop');
      assert.ok(clips.every((c) => c.storeId === 'demo-shop'));
      const checklists = await get<{ id: string; questionId: string }[]>('/api/v1/checklists');
      assert.ok(checklists.some((c) => c.id === 'demo-service' && c.questionId === 'nps'));
    }

    // Ctrl-C stops the whole demo: its server's port is free again.
    demo.signal('SIGINT');
    await demo.exited;
    await waitFor('the demo server stopped', async () =>
      (await fetch(`${api}/healthz`).then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
  });
});
