import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import { type ClipMeta, type RemoteConfig, Topics } from '@earshot/shared/protocol';
import { bytesPerFrame, type PcmFormat } from '@earshot/shared/wav';
import { ulid } from 'ulidx';
import type { AudioSource } from './audio/audio-source.js';
import { Capture } from './audio/capture.js';
import { type Clock, systemClock } from './audio/clock.js';
import { FileSource } from './audio/file-source.js';
import { RecorderSource } from './audio/recorder-source.js';
import { PressEndpoint, type PressResult, type PressTarget } from './buttons/press-endpoint.js';
import { ClipCutter, type CutClip } from './clips/clip-cutter.js';
import { type ClipEncoder, WavEncoder } from './clips/clip-encoder.js';
import { type DeviceConfig, windowFor } from './config/device-config.js';
import { applyRemoteConfig } from './config/remote-config.js';
import { Outbox } from './outbox/outbox.js';
import { Uplink } from './uplink/uplink.js';
import { VERSION } from './version.js';

/**
 * The device, wired: source -> capture (ring buffer + timeline) -> cutter -> encoder -> outbox ->
 * uplink, with the press endpoint feeding the cutter.
 */
export class DeviceDaemon implements PressTarget {
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

  private readonly startedAt = Date.now();

  constructor(
    /** Replaced as a whole when a remote configuration is applied. */
    private config: DeviceConfig,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.format = { sampleRate: config.audio.sampleRate, channels: config.audio.channels, bitsPerSample: 16 };
    this.capture = new Capture({
      sampleRate: this.format.sampleRate,
      frameBytes: bytesPerFrame(this.format),
      capacityFrames: Math.ceil(config.audio.bufferSeconds * this.format.sampleRate),
      clock,
    });
    this.source = this.createSource();
    this.cutter = new ClipCutter(this.capture, this.format.sampleRate, clock, (clip) => this.store(clip));
    this.outbox = new Outbox(join(config.stateDir, 'outbox'), logger.child({ component: 'outbox' }), {
      quotaBytes: config.outbox.quotaMegabytes * 1024 * 1024,
    });
    this.uplink = new Uplink({
      url: config.mqtt.url,
      deviceId: config.deviceId,
      topics: new Topics(config.mqtt.root),
      username: config.mqtt.username,
      password: config.mqtt.password,
      chunkBytes: config.mqtt.chunkBytes,
      inflight: config.mqtt.inflight,
      publishesPerSecond: config.mqtt.publishesPerSecond,
      ackTimeoutMs: config.mqtt.ackTimeoutSeconds * 1000,
      finRounds: 3,
      reconnectMinMs: config.mqtt.reconnectMinSeconds * 1000,
      reconnectMaxMs: config.mqtt.reconnectMaxSeconds * 1000,
      heartbeatMs: config.mqtt.heartbeatSeconds * 1000,
      ca: config.mqtt.caFile === undefined ? undefined : readFileSync(config.mqtt.caFile),
      version: VERSION,
      outbox: this.outbox,
      logger: logger.child({ component: 'uplink' }),
      heartbeat: () => this.heartbeat(),
      applyConfig: async (remote) => this.applyRemoteConfig(remote),
    });
    this.endpoint = new PressEndpoint(this, logger.child({ component: 'http' }));
  }

  get buttons(): number {
    return this.config.clips.buttons;
  }

  async start(): Promise<{ httpPort: number }> {
    await this.outbox.open();
    this.source.start(this.capture);
    this.uplink.start();
    const address = await this.endpoint.listen(this.config.http.host, this.config.http.port);
    this.logger.info({ deviceId: this.config.deviceId, http: `${address.address}:${address.port}` }, 'device started');
    return { httpPort: address.port };
  }

  async stop(): Promise<void> {
    await this.endpoint.close();
    await this.source.stop();
    await this.storing;
    await this.uplink.stop();
  }

  press(button: number, input: string): PressResult {
    const clipId = ulid();
    const window = this.cutter.press({ clipId, button, ...windowFor(this.config, button) });
    this.presses++;
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

  status(): unknown {
    return {
      deviceId: this.config.deviceId,
      version: VERSION,
      connected: this.uplink.connected,
      presses: this.presses,
      pendingClips: this.cutter.pendingCount,
      outbox: this.outbox.usage(),
      configVersion: this.uplink.configVersion,
      bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
    };
  }

  private store(clip: CutClip): void {
    this.storing = this.storing
      .then(async () => {
        const audio = await this.encoder.encode(clip.pcm, this.format);
        await this.outbox.put(this.metaOf(clip), audio);
        this.uplink.kick(clip.clipId);
      })
      .catch((error: unknown) => this.logger.error({ clipId: clip.clipId, err: error }, 'clip could not be stored'));
  }

  private applyRemoteConfig(remote: RemoteConfig): void {
    this.config = applyRemoteConfig(this.config, remote);
  }

  private async heartbeat() {
    let freeBytes: number | null = null;
    try {
      const fs = await statfs(this.config.stateDir);
      freeBytes = fs.bavail * fs.bsize;
    } catch (error) {
      this.logger.warn({ err: error }, 'free disk space unknown');
    }
    return {
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      // Placeholder until the capture reports its own health: buffered audio shows it is filling.
      mic: {
        state: 'unknown' as const,
        bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
      },
      outbox: this.outbox.usage(),
      disk: { freeBytes },
      clock: { synchronized: null },
    };
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
