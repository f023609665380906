import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitFor } from './processes.js';
import { tempDir } from './temp-dir.js';

const run = promisify(execFile);

/** A private PulseAudio whose default source is the monitor of a 16 kHz mono null sink. */
export interface PulseServer {
  /** `PULSE_SERVER=unix:<socket>`: set it where `arecord -D pulse` or paplay runs. */
  readonly env: { PULSE_SERVER: string };
  /** Plays a WAV file into the sink, as if it were sound reaching the microphone; resolves when done. */
  play(wavPath: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Real-time audio without a sound card: what is played into the null sink comes out of its
 * monitor at the pace of a real microphone. Runs with its own HOME and runtime directory, so it
 * touches no user session. Needs pulseaudio, pulseaudio-utils and libasound2-plugins (for
 * `arecord -D pulse`).
 */
export async function startPulse(): Promise<PulseServer> {
  const dir = await tempDir('earshot-pulse-');
  const socket = join(dir.path, 'native');
  const script = join(dir.path, 'default.pa');
  await writeFile(
    script,
    [
      `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      'load-module module-null-sink sink_name=vsink rate=16000 channels=1 format=s16le',
      'set-default-source vsink.monitor',
      '',
    ].join('\n'),
  );
  const env = { PULSE_SERVER: `unix:${socket}` };
  const daemon = startProcess(
    'pulseaudio',
    ['-n', '--daemonize=no', '--exit-idle-time=-1', '--disable-shm=yes', '--log-target=stderr', '-F', script],
    { env: { HOME: dir.path, XDG_RUNTIME_DIR: dir.path } },
  );
  // Not installed: the spawn error arrives as an event, after this line.
  let spawnError: Error | undefined;
  daemon.child.once('error', (error) => {
    spawnError = error;
  });
  try {
    await waitFor(
      'PulseAudio to answer',
      async () => {
        if (spawnError) throw new Error(`cannot run pulseaudio: ${spawnError.message}`);
        if (daemon.child.exitCode !== null) throw new Error(`pulseaudio exited: ${daemon.output().slice(-2000)}`);
        await run('pactl', ['info'], { env: { ...process.env, ...env } });
        return true;
      },
      { timeoutMs: 10_000 },
    );
  } catch (error) {
    if (!spawnError) await daemon.stop();
    await dir.remove();
    throw error;
  }
  return {
    env,
    async play(wavPath) {
      await run('paplay', ['--device=vsink', wavPath], { env: { ...process.env, ...env } });
    },
    async stop() {
      await daemon.stop();
      await dir.remove();
    },
  };
}
