import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import { type ClipMeta, Topics } from '@earshot/shared/protocol';
import { bytesPerFrame, type PcmFormat } from '@earshot/shared/wav';
import { ulid } from 'ulidx';
import type { AudioSource } from './audio/audio-source.js';
import { Capture } from './audio/capture.js';
import { type Clock, systemClock } from './audio/clock.js';
import { FileSource } from './audio/file-source.js';
import { RecorderSource } from './audio/recorder-source.js';
import { createInputs } from './buttons/create-inputs.js';
import { InputHub } from './buttons/input-hub.js';
import { type CancelResult, PressEndpoint, type PressResult, type PressTarget } from './buttons/press-endpoint.js';
import { ClipCutter, type CutClip } from './clips/clip-cutter.js';
import { type ClipEncoder, WavEncoder } from './clips/clip-encoder.js';
import { type DeviceConfig, windowFor } from './config/device-config.js';
import { createFeedback } from './feedback/create-feedback.js';
import type { Feedback } from './feedback/feedback.js';
import { Outbox } from './outbox/outbox.js';
import { Uplink } from './uplink/uplink.js';
import { VERSION } from './version.js';

/**
 * The device, wired: source -> capture (ring buffer + timeline) -> cutter -> encoder -> outbox ->
 * uplink, with the press endpoint feeding the cutter.
 */
export class DeviceDaemon implements PressTarget {
  readonly buttons: number;
  private readonly format: PcmFormat;
  private readonly capture: Capture;
  private readonly source: AudioSource;
  private readonly cutter: ClipCutter;
  private readonly encoder: ClipEncoder = new WavEncoder();
  private readonly outbox: Outbox;
  private readonly uplink: Uplink;
  private readonly endpoint: PressEndpoint;
  private readonly captureSession = ulid();
  /** Clips are encoded and stored one after another, in the order they were cut. */
  private storing: Promise<void> = Promise.resolve();
  private presses = 0;
  private readonly inputs: InputHub;
  private readonly arduinos: ReturnType<typeof createInputs>['arduinos'];
  private feedback: Feedback | undefined;
  private lastAudioAt: number;
  /** The newest press, while its clip can still be voided (not yet cut and stored). */
  private lastClip: { clipId: string; stored: boolean } | undefined;
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly config: DeviceConfig,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.buttons = config.clips.buttons;
    this.format = { sampleRate: config.audio.sampleRate, channels: config.audio.channels, bitsPerSample: 16 };
    this.capture = new Capture({
      sampleRate: this.format.sampleRate,
      frameBytes: bytesPerFrame(this.format),
      capacityFrames: Math.ceil(config.audio.bufferSeconds * this.format.sampleRate),
      clock,
    });
    this.source = this.createSource();
    this.cutter = new ClipCutter(this.capture, this.format.sampleRate, clock, (clip) => this.store(clip));
    this.outbox = new Outbox(join(config.stateDir, 'outbox'), logger.child({ component: 'outbox' }));
    this.uplink = new Uplink({
      url: config.mqtt.url,
      deviceId: config.deviceId,
      topics: new Topics(config.mqtt.root),
      username: config.mqtt.username,
      password: config.mqtt.password,
      chunkBytes: config.mqtt.chunkBytes,
      inflight: config.mqtt.inflight,
      ackTimeoutMs: config.mqtt.ackTimeoutSeconds * 1000,
      finRounds: 3,
      version: VERSION,
      outbox: this.outbox,
      logger: logger.child({ component: 'uplink' }),
      onDelivered: () => this.feedback?.signal('delivered'),
    });
    const labels = Array.from({ length: this.buttons }, (_, i) => ({
      button: i + 1,
      label: config.clips.perButton[String(i + 1)]?.label ?? `Button ${i + 1}`,
    }));
    this.endpoint = new PressEndpoint(this, logger.child({ component: 'http' }), labels);
    const { hubInputs, arduinos } = createInputs(config.inputs, this.buttons, config.feedback, logger);
    this.arduinos = arduinos;
    this.inputs = new InputHub(hubInputs, this, clock, logger.child({ component: 'buttons' }), () =>
      this.feedback?.signal('refused'),
    );
    this.lastAudioAt = clock.monotonicMs();
    this.capture.onWritten(() => {
      this.lastAudioAt = this.clock.monotonicMs();
    });
  }

  async start(): Promise<{ httpPort: number }> {
    await this.outbox.open();
    // Inputs first: one that cannot work (no GPIO tools) fails the start before anything runs.
    await this.inputs.start();
    this.source.start(this.capture);
    this.uplink.start();
    const address = await this.endpoint.listen(this.config.http.host, this.config.http.port);
    this.feedback = await createFeedback(
      this.config.feedback,
      this.arduinos,
      () => this.problems(),
      this.clock,
      this.logger.child({ component: 'feedback' }),
    );
    this.feedback.start();
    this.logger.info({ deviceId: this.config.deviceId, http: `${address.address}:${address.port}` }, 'device started');
    return { httpPort: address.port };
  }

  async stop(): Promise<void> {
    await this.inputs.stop();
    this.feedback?.stop();
    await this.endpoint.close();
    await this.source.stop();
    await this.storing;
    await this.uplink.stop();
  }

  press(button: number, input: string): PressResult {
    const clipId = ulid();
    let window;
    try {
      window = this.cutter.press({ clipId, button, ...windowFor(this.config, button) });
    } catch (error) {
      this.feedback?.signal('refused');
      throw error;
    }
    this.presses++;
    this.lastClip = { clipId, stored: false };
    this.feedback?.signal('captured');
    const rate = this.format.sampleRate;
    const startAt = this.capture.timeline.wallMsOfFrame(window.startFrame);
    const endAt = startAt + ((window.endFrame - window.startFrame) * 1000) / rate;
    this.logger.info({ clipId, button, input, truncated: window.truncated }, 'press');
    return {
      clipId,
      startAt: new Date(startAt).toISOString(),
      endAt: new Date(endAt).toISOString(),
      truncated: window.truncated,
    };
  }

  /**
   * Minimal cancel: voids the newest clip while it is still in its post-roll. Once cut it is in
   * the outbox and on its way; voiding queued clips belongs to the outbox (the audio issue).
   */
  cancelLast(input: string): CancelResult {
    const last = this.lastClip;
    let result: CancelResult;
    if (!last) result = { cancelled: false, reason: 'no recent clip to cancel' };
    else if (last.stored) result = { cancelled: false, clipId: last.clipId, reason: 'already cut and queued' };
    else {
      this.cancelled.add(last.clipId);
      this.lastClip = undefined;
      result = { cancelled: true, clipId: last.clipId };
    }
    this.logger.info({ input, ...result }, 'cancel');
    this.feedback?.signal(result.cancelled ? 'cancelled' : 'refused');
    return result;
  }

  /** What staff should know is wrong, for the problem light and the status page. */
  problems(): string[] {
    const found: string[] = [];
    if (!this.uplink.connected) found.push('no connection to the server: clips wait on the device');
    const silentMs = this.clock.monotonicMs() - this.lastAudioAt;
    if (silentMs > this.config.feedback.micSilentSeconds * 1000) {
      found.push(`no audio from the microphone for ${Math.round(silentMs / 1000)} s`);
    }
    const buttons = this.inputs.status();
    for (const input of buttons.inputs)
      if (!input.connected) found.push(`${input.name}: ${input.detail ?? 'not connected'}`);
    for (const c of buttons.conditions) found.push(`${c.input} button ${c.button}: ${c.condition}`);
    return found;
  }

  status(): unknown {
    return {
      deviceId: this.config.deviceId,
      version: VERSION,
      connected: this.uplink.connected,
      presses: this.presses,
      pendingClips: this.cutter.pendingCount,
      bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
      buttons: this.inputs.status(),
      problems: this.problems(),
    };
  }

  private store(clip: CutClip): void {
    if (this.cancelled.delete(clip.clipId)) {
      this.logger.info({ clipId: clip.clipId }, 'clip cancelled before it was stored');
      return;
    }
    if (this.lastClip?.clipId === clip.clipId) this.lastClip.stored = true;
    this.storing = this.storing
      .then(async () => {
        const audio = await this.encoder.encode(clip.pcm, this.format);
        await this.outbox.put(this.metaOf(clip), audio);
        this.uplink.kick();
      })
      .catch((error: unknown) => this.logger.error({ clipId: clip.clipId, err: error }, 'clip could not be stored'));
  }

  private metaOf(clip: CutClip): ClipMeta {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      clipId: clip.clipId,
      button: clip.button,
      pressedAt: iso(clip.pressedAtMs),
      startAt: iso(clip.startAtMs),
      endAt: iso(clip.endAtMs),
      startFrame: clip.window.startFrame,
      endFrame: clip.window.endFrame,
      pressFrame: clip.window.pressFrame,
      captureSession: this.captureSession,
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      container: this.encoder.container,
      codec: this.encoder.codec,
      durationMs: ((clip.window.endFrame - clip.window.startFrame) * 1000) / this.format.sampleRate,
      truncated: clip.window.truncated,
      gaps: clip.gaps,
      clock: { synchronized: null },
    };
  }

  private createSource(): AudioSource {
    const source = this.config.audio.source;
    if (source.type === 'file') {
      return new FileSource({
        path: source.path,
        format: this.format,
        loop: source.loop,
        pace: source.pace,
        clock: this.clock,
      });
    }
    return new RecorderSource({
      recorder: source.recorder,
      device: source.device,
      format: this.format,
      stallTimeoutMs: source.stallSeconds * 1000,
      restartInitialMs: source.restartInitialSeconds * 1000,
      restartMaxMs: source.restartMaxSeconds * 1000,
      clock: this.clock,
      logger: this.logger.child({ component: 'recorder' }),
    });
  }
}
