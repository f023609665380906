import { execFile } from 'node:child_process';
import { MicHealth } from '../audio/mic-health.js';
import { systemClock } from '../audio/clock.js';
import type { Check, CheckResult, DoctorContext } from './check.js';

/** Above this share of samples at full scale, speech is distorted: the gain is too high. */
const CLIPPING_RATIO = 0.001;
/** Below this, a voice at the counter is unlikely to be understood. */
const QUIET_DBFS = -60;

interface Recording {
  pcm: Buffer;
  stderr: string;
  error: Error | null;
}

function record(device: string | undefined, rate: number, channels: number, seconds: number): Promise<Recording> {
  // Raw, like the daemon; -d stops it after `seconds`.
  const args = ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(rate), '-c', String(channels), '-d', String(seconds)];
  if (device !== undefined) args.push('-D', device);
  args.push('-');
  return new Promise((resolve) => {
    execFile(
      'arecord',
      args,
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: (seconds + 10) * 1000 },
      (error, stdout, stderr) => resolve({ pcm: stdout, stderr: stderr.toString('utf8').trim(), error }),
    );
  });
}

/**
 * Records a few seconds from the configured microphone, as the daemon would, and reports its
 * level and clipping with the daemon's own mic statistics.
 */
export const recordingLevel: Check = {
  name: 'microphone level',
  async run({ config, recordSeconds, technician }: DoctorContext): Promise<CheckResult> {
    const source = config.audio.source;
    if (source.type === 'file') {
      return { check: this.name, status: 'skip', summary: 'no microphone: audio comes from a file' };
    }
    const { sampleRate, channels } = config.audio;
    technician.say(`recording ${recordSeconds} s from ${source.device ?? 'the default device'}: speak at the counter`);
    const { pcm, stderr, error } = await record(source.device, sampleRate, channels, recordSeconds);
    if (pcm.length === 0) {
      const reason = stderr.split('\n').at(-1) || error?.message || 'no audio';
      const busy = /busy/i.test(stderr);
      return {
        check: this.name,
        status: 'fail',
        summary: busy ? `the capture device is busy: ${reason}` : `no audio recorded: ${reason}`,
        action: busy
          ? 'earshot-device (or another program) is recording from it: sudo systemctl stop earshot-device, then run doctor again'
          : 'check the microphone is plugged in and audio.source.device names it (see the capture device check)',
        details: { stderr },
      };
    }
    const health = new MicHealth(sampleRate, channels, recordSeconds * 0.9, systemClock);
    health.observe(pcm);
    const report = health.report();
    const seconds = Math.round((pcm.length / (2 * channels * sampleRate)) * 10) / 10;
    const details = {
      seconds,
      rmsDbfs: report.rmsDbfs,
      peakDbfs: report.peakDbfs,
      clippedRatio: report.clippedRatio,
      silentSeconds: report.silentSeconds,
    };
    const level = `${seconds} s recorded, level ${report.rmsDbfs} dBFS, peak ${report.peakDbfs} dBFS`;
    if (report.state === 'dead') {
      return {
        check: this.name,
        status: 'fail',
        summary: `${level}: digital silence, the microphone delivers nothing`,
        action: 'check the cable and that capture is not muted (alsamixer, F4); try another USB port',
        details,
      };
    }
    if (report.clippedRatio > CLIPPING_RATIO) {
      return {
        check: this.name,
        status: 'warn',
        summary: `${level}: clipping (${(report.clippedRatio * 100).toFixed(2)} % of samples at full scale)`,
        action: 'lower the capture gain (alsamixer, F4) or move the microphone away from the speaker',
        details,
      };
    }
    if (report.rmsDbfs < QUIET_DBFS) {
      return {
        check: this.name,
        status: 'warn',
        summary: `${level}: very quiet`,
        action: 'raise the capture gain (alsamixer, F4) or move the microphone closer to where people speak',
        details,
      };
    }
    return { check: this.name, status: 'pass', summary: level, details };
  },
};
