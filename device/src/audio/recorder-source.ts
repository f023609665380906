import type { Logger } from '@earshot/shared/log';
import type { PcmFormat } from '@earshot/shared/wav';
import recorder, { type Recording } from 'node-record-lpcm16';
import type { AudioSink, AudioSource } from './audio-source.js';
import type { Clock } from './clock.js';

export interface RecorderSourceOptions {
  recorder: 'arecord' | 'sox';
  /** ALSA device name, e.g. `plughw:CARD=Device,DEV=0`; the recorder's default when absent. */
  device?: string | undefined;
  format: PcmFormat;
  /** No bytes for this long counts as a failure (a stalled or stopped recorder). */
  stallTimeoutMs: number;
  restartInitialMs: number;
  restartMaxMs: number;
  clock: Clock;
  logger: Logger;
}

/** Healthy this long after a restart, the next failure starts the backoff from the beginning again. */
const HEALTHY_AFTER_MS = 30_000;
const STDERR_LINE_LIMIT = 500;

/**
 * A microphone through arecord (or sox) via node-record-lpcm16, which neither restarts nor
 * reports a clean exit: this class supervises it. Any exit, any error, and silence on the pipe
 * for `stallTimeoutMs` are failures; each is reported to the sink (so the timeline records a
 * gap) and followed by a restart with exponential backoff. Always raw PCM: a streamed WAV
 * header stops at 2 GiB.
 */
export class RecorderSource implements AudioSource {
  readonly format: PcmFormat;
  private sink: AudioSink | undefined;
  private recording: Recording | undefined;
  /** Increments per spawn so that late events of a dead recorder are ignored. */
  private generation = 0;
  private attempt = 0;
  private lastDataMs = 0;
  private spawnedMs = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogPeriodMs = 0;
  private lastStallCheckMs = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Failures since start, for status and heartbeats. */
  restarts = 0;
  lastFailure: string | undefined;

  constructor(private readonly options: RecorderSourceOptions) {
    this.format = options.format;
  }

  /** The running recorder's process id, for a technician (and for tests that kill it). */
  get pid(): number | undefined {
    return this.recording?.process.pid;
  }

  start(sink: AudioSink): void {
    this.sink = sink;
    this.stopped = false;
    this.spawn();
    this.watchdogPeriodMs = Math.max(100, Math.min(1000, this.options.stallTimeoutMs / 4));
    this.lastStallCheckMs = this.options.clock.monotonicMs();
    this.watchdog = setInterval(() => this.checkStall(), this.watchdogPeriodMs);
  }

  unsupervised(): string | undefined {
    if (this.stopped || this.sink === undefined) return undefined;
    if (this.recording === undefined && this.restartTimer === undefined) {
      return `no ${this.options.recorder} running and no restart scheduled`;
    }
    const sinceCheck = this.options.clock.monotonicMs() - this.lastStallCheckMs;
    // Generous: a busy event loop delays timers; only a check that stopped altogether counts.
    if (sinceCheck > Math.max(30_000, this.watchdogPeriodMs * 10)) {
      return `the recorder's stall check last ran ${Math.round(sinceCheck / 1000)} s ago`;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    this.kill();
  }

  private spawn(): void {
    const generation = ++this.generation;
    const { clock, logger } = this.options;
    const recording = recorder.record({
      recorder: this.options.recorder,
      device: this.options.device ?? null,
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      audioType: 'raw',
    });
    this.recording = recording;
    this.spawnedMs = clock.monotonicMs();
    this.lastDataMs = this.spawnedMs;
    const child = recording.process;
    logger.info({ pid: child.pid, recorder: this.options.recorder, device: this.options.device }, 'recorder started');

    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      let newline = stderr.indexOf('\n');
      while (newline >= 0) {
        const line = stderr.slice(0, newline).trim();
        if (line)
          logger.warn({ recorder: this.options.recorder, stderr: line.slice(0, STDERR_LINE_LIMIT) }, 'recorder says');
        stderr = stderr.slice(newline + 1);
        newline = stderr.indexOf('\n');
      }
    });
    recording.stream().on('data', (pcm: Buffer) => {
      if (generation !== this.generation) return;
      this.lastDataMs = clock.monotonicMs();
      this.sink?.audio(pcm);
    });
    // node-record-lpcm16 emits strings as errors, among them its own report of a non-zero exit,
    // which says less than the 'close' handler below (no signal name): that one reports exits.
    recording.stream().on('error', (error: unknown) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      this.fail(generation, `recorder error: ${String(error).split('\n')[0]}`);
    });
    child.on('error', (error) => this.fail(generation, `cannot run ${this.options.recorder}: ${error.message}`));
    child.on('close', (code, signal) =>
      this.fail(generation, `${this.options.recorder} exited (${signal ? `signal ${signal}` : `code ${code}`})`),
    );
  }

  private checkStall(): void {
    this.lastStallCheckMs = this.options.clock.monotonicMs();
    if (this.stopped || this.recording === undefined) return;
    const silentFor = this.options.clock.monotonicMs() - this.lastDataMs;
    if (silentFor > this.options.stallTimeoutMs) {
      this.fail(this.generation, `no audio from ${this.options.recorder} for ${Math.round(silentFor)} ms`);
    }
  }

  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped || this.recording === undefined) return;
    const now = this.options.clock.monotonicMs();
    if (now - this.spawnedMs > HEALTHY_AFTER_MS) this.attempt = 0;
    this.kill();
    this.restarts++;
    this.lastFailure = reason;
    const delay = Math.min(this.options.restartMaxMs, this.options.restartInitialMs * 2 ** this.attempt);
    this.attempt++;
    this.options.logger.error({ reason, restarts: this.restarts, retryInMs: delay }, 'capture interrupted');
    this.sink?.interrupted(reason);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) this.spawn();
    }, delay);
  }

  private kill(): void {
    const child = this.recording?.process;
    this.recording = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      // SIGKILL also ends a recorder frozen by SIGSTOP, which ignores SIGTERM until continued.
      child.kill('SIGKILL');
    }
  }
}
