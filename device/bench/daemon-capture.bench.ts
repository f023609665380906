import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { report } from '@earshot/test-kit/bench';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { startPulse } from '@earshot/test-kit/pulse';
import { tempDir } from '@earshot/test-kit/temp-dir';

// The real earshot-device capturing in real time for 60 s through arecord from a PulseAudio
// null sink (150 s buffer, default config otherwise): its RSS and CPU, and arecord's CPU.
// Without PulseAudio, a file source at real-time pace stands in (figures named `..._file_source`).
const SECONDS = 60;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const dir = await tempDir();
const pulse = await startPulse().catch((error: unknown) => {
  process.stderr.write(`PulseAudio unavailable (${(error as Error).message}); measuring with a file source\n`);
  return undefined;
});
const suffix = pulse ? '' : '_file_source';
try {
  const noise = join(dir.path, 'noise.raw');
  await writeFile(noise, randomBytes(10 * 32_000));
  const source = pulse
    ? { type: 'recorder', recorder: 'arecord', device: 'pulse' }
    : { type: 'file', path: noise, pace: 'realtime', loop: true };
  const config = join(dir.path, 'device.json');
  await writeFile(
    config,
    JSON.stringify({
      deviceId: 'bench',
      stateDir: join(dir.path, 'state'),
      logLevel: 'warn',
      audio: { source, bufferSeconds: 150 },
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      http: { port: await freePort() },
    }),
  );
  const device = startProcess(process.execPath, [BIN.device, 'run', '--config', config], { env: pulse?.env ?? {} });
  try {
    // Let start-up (module loading, JIT) settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const pid = device.child.pid as number;
    const recorder = pulse ? await childPid(pid) : undefined;
    const before = [await cpuTicks(pid), recorder ? await cpuTicks(recorder) : 0];
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const seconds = (performance.now() - startedAt) / 1000;
    const after = [await cpuTicks(pid), recorder ? await cpuTicks(recorder) : 0];
    const percent = (i: number) =>
      ((((after[i] as number) - (before[i] as number)) / TICKS_PER_SECOND) * 100) / seconds;
    report(`daemon_capture_cpu${suffix}`, percent(0), '% of one core');
    report(`daemon_capture_rss${suffix}`, (await rssKb(pid)) / 1024, 'MB');
    if (recorder) report('arecord_capture_cpu', percent(1), '% of one core');
  } finally {
    await device.stop();
  }
} finally {
  await pulse?.stop();
  await dir.remove();
}

async function childPid(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/);
  if (!children[0]) throw new Error('the daemon has no recorder child');
  return Number(children[0]);
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
}
