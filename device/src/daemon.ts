import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { bytesPerFrame, type PcmFormat } from '@earshot/shared/wav';
import { ulid } from 'ulidx';
import type { AudioSource } from './audio/audio-source.js';
import { Capture } from './audio/capture.js';
import { type Clock, systemClock } from './audio/clock.js';
import { ClockSyncProbe } from './audio/clock-sync.js';
import { FileSource } from './audio/file-source.js';
import { RecorderSource } from './audio/recorder-source.js';
import { PressEndpoint, type PressResult, type PressTarget } from './buttons/press-endpoint.js';
import { ClipCutter } from './clips/clip-cutter.js';
import { type ClipEncoder, WavEncoder } from './clips/clip-encoder.js';
import { ClipJournal } from './clips/clip-journal.js';
import { ClipPipeline } from './clips/clip-pipeline.js';
import { OpusEncoder } from './clips/opus-encoder.js';
import { type DeviceConfig, windowFor } from './config/device-config.js';
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
  private readonly journal: ClipJournal;
  private readonly pipeline: ClipPipeline;
  private readonly clockSync = new ClockSyncProbe();
  private readonly outbox: Outbox;
  private readonly uplink: Uplink;
  private readonly endpoint: PressEndpoint;
  private readonly captureSession = ulid();
  private presses = 0;

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
      channels: this.format.channels,
      micDeadSeconds: config.audio.micDeadSeconds,
      clock,
    });
    this.source = this.createSource();
    this.outbox = new Outbox(join(config.stateDir, 'outbox'), logger.child({ component: 'outbox' }));
    const clipsLogger = logger.child({ component: 'clips' });
    this.journal = new ClipJournal(join(config.stateDir, 'recording'), bytesPerFrame(this.format), 1000, clipsLogger);
    this.pipeline = new ClipPipeline({
      format: this.format,
      encoder: this.createEncoder(),
      journal: this.journal,
      outbox: this.outbox,
      captureSession: this.captureSession,
      clockSync: () => this.clockSync.current,
      cancelWithinMs: config.clips.cancelWithinSeconds * 1000,
      clock,
      logger: clipsLogger,
      onStored: () => this.uplink.kick(),
    });
    this.cutter = new ClipCutter(this.capture, this.format.sampleRate, clock, this.pipeline);
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
      onDelivered: (clipId) => this.pipeline.delivered(clipId),
    });
    this.endpoint = new PressEndpoint(this, logger.child({ component: 'http' }));
  }

  async start(): Promise<{ httpPort: number }> {
    await this.outbox.open();
    await this.journal.open();
    this.clockSync.start();
    this.source.start(this.capture);
    // In the background: capture must not wait for last run's clips to be encoded.
    this.pipeline.recover().catch((error: unknown) => this.logger.error({ err: error }, 'recovery failed'));
    this.uplink.start();
    const address = await this.endpoint.listen(this.config.http.host, this.config.http.port);
    this.logger.info({ deviceId: this.config.deviceId, http: `${address.address}:${address.port}` }, 'device started');
    return { httpPort: address.port };
  }

  async stop(): Promise<void> {
    await this.endpoint.close();
    await this.source.stop();
    this.clockSync.stop();
    await this.pipeline.close();
    await this.uplink.stop();
  }

  press(button: number, input: string): PressResult {
    const clipId = ulid();
    const clip = this.cutter.press({ clipId, button, ...windowFor(this.config, button) });
    this.presses++;
    this.logger.info({ clipId, button, input, truncated: clip.window.truncated }, 'press');
    return {
      clipId,
      startAt: new Date(clip.startAtMs).toISOString(),
      endAt: new Date(clip.endAtMs).toISOString(),
      truncated: clip.window.truncated,
    };
  }

  /** The cancel gesture: voids the newest clip still recording or not yet delivered. */
  cancelLast(): { clipId: string } | undefined {
    const cancelled = this.pipeline.cancelLast();
    if (cancelled) this.cutter.cancel(cancelled.clipId);
    return cancelled;
  }

  status(): unknown {
    return {
      deviceId: this.config.deviceId,
      version: VERSION,
      connected: this.uplink.connected,
      presses: this.presses,
      pendingClips: this.cutter.pendingCount,
      bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
      mic: {
        ...this.capture.health.report(),
        recorderRestarts: this.source.restarts,
        lastFailure: this.source.lastFailure ?? null,
      },
      clock: this.clockSync.current,
    };
  }

  private createEncoder(): ClipEncoder {
    const { format, opusBitrateKbps } = this.config.clips;
    return format === 'opus' ? new OpusEncoder({ bitrateKbps: opusBitrateKbps }) : new WavEncoder();
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
