import type { Clock } from './clock.js';

/** What a technician (and later a heartbeat) needs to know about the microphone. */
export interface MicHealthReport {
  /** `dead`: digital silence for longer than allowed; `no-audio`: nothing has been captured yet. */
  state: 'ok' | 'dead' | 'no-audio';
  /** Over the last few seconds; dB relative to full scale, floored at -120. */
  rmsDbfs: number;
  peakDbfs: number;
  /** Share of samples at full scale over the last few seconds: above ~0.001 the gain is too high. */
  clippedRatio: number;
  /** Length of the current run of digital silence (a mic that outputs nothing at all). */
  silentSeconds: number;
  /** Time since audio last arrived (the recorder may be down). */
  secondsSinceAudio: number | null;
}

/** Samples this quiet or quieter count as digital silence: a real mic always has a noise floor. */
const DIGITAL_SILENCE_MAX = 1;
const FULL_SCALE = 32767;
/** The level figures cover this many one-second blocks, the current one included. */
const BLOCKS = 10;
const FLOOR_DBFS = -120;

/**
 * Mic statistics computed in passing over each chunk as it arrives, reading the samples where
 * they lie (no copy, no allocation): per-second blocks of sum of squares, peak and clipped count,
 * and the length of the current run of digital silence.
 */
export class MicHealth {
  private readonly sumSquares = new Float64Array(BLOCKS);
  private readonly peak = new Int32Array(BLOCKS);
  private readonly clipped = new Int32Array(BLOCKS);
  private readonly samples = new Int32Array(BLOCKS);
  private block = 0;
  private readonly samplesPerBlock: number;
  private silentRun = 0;
  /** Low byte of a sample split across two chunks, or -1. */
  private carry = -1;
  private lastAudioMs: number | undefined;

  constructor(
    private readonly sampleRate: number,
    private readonly channels: number,
    private readonly deadAfterSeconds: number,
    private readonly clock: Clock,
  ) {
    this.samplesPerBlock = sampleRate * channels;
  }

  observe(pcm: Buffer): void {
    this.lastAudioMs = this.clock.monotonicMs();
    let from = 0;
    if (this.carry >= 0 && pcm.length > 0) {
      this.sample((((pcm[0] as number) << 24) >> 16) | this.carry);
      this.carry = -1;
      from = 1;
    }
    const whole = pcm.length - ((pcm.length - from) % 2);
    if ((pcm.byteOffset + from) % 2 === 0) {
      const view = new Int16Array(pcm.buffer, pcm.byteOffset + from, (whole - from) / 2);
      for (let i = 0; i < view.length; i++) this.sample(view[i] as number);
    } else {
      for (let at = from; at < whole; at += 2) this.sample(pcm.readInt16LE(at));
    }
    if (whole < pcm.length) this.carry = pcm[whole] as number;
  }

  report(): MicHealthReport {
    let sum = 0;
    let peak = 0;
    let clipped = 0;
    let samples = 0;
    for (let b = 0; b < BLOCKS; b++) {
      sum += this.sumSquares[b] as number;
      peak = Math.max(peak, this.peak[b] as number);
      clipped += this.clipped[b] as number;
      samples += this.samples[b] as number;
    }
    const silentSeconds = this.silentRun / this.samplesPerBlock;
    const state = samples === 0 ? 'no-audio' : silentSeconds >= this.deadAfterSeconds ? 'dead' : 'ok';
    return {
      state,
      rmsDbfs: dbfs(samples === 0 ? 0 : Math.sqrt(sum / samples)),
      peakDbfs: dbfs(peak),
      clippedRatio: samples === 0 ? 0 : round(clipped / samples, 6),
      silentSeconds: round(silentSeconds, 1),
      secondsSinceAudio:
        this.lastAudioMs === undefined ? null : round((this.clock.monotonicMs() - this.lastAudioMs) / 1000, 1),
    };
  }

  private sample(value: number): void {
    const magnitude = value < 0 ? -value : value;
    let b = this.block;
    if ((this.samples[b] as number) === this.samplesPerBlock) {
      b = this.block = (b + 1) % BLOCKS;
      this.sumSquares[b] = 0;
      this.peak[b] = 0;
      this.clipped[b] = 0;
      this.samples[b] = 0;
    }
    this.sumSquares[b] = (this.sumSquares[b] as number) + value * value;
    if (magnitude > (this.peak[b] as number)) this.peak[b] = magnitude;
    if (magnitude >= FULL_SCALE) this.clipped[b] = (this.clipped[b] as number) + 1;
    this.samples[b] = (this.samples[b] as number) + 1;
    this.silentRun = magnitude <= DIGITAL_SILENCE_MAX ? this.silentRun + 1 : 0;
  }
}

function dbfs(amplitude: number): number {
  return amplitude <= 0 ? FLOOR_DBFS : Math.max(FLOOR_DBFS, round(20 * Math.log10(amplitude / 32768), 1));
}

function round(n: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}
