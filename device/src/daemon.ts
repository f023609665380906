import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureWritableDir, explainListenError } from '@earshot/shared/cli';
import type { Logger } from '@earshot/shared/log';
import { type DeviceHeartbeat, type RemoteConfig, Topics } from '@earshot/shared/protocol';
import { bytesPerFrame, type PcmFormat } from '@earshot/shared/wav';
import { ulid } from 'ulidx';
import type { AudioSource } from './audio/audio-source.js';
import { Capture } from './audio/capture.js';
import { createSource } from './audio/create-source.js';
import { type Clock, systemClock } from './audio/clock.js';
import { ClockSyncProbe } from './audio/clock-sync.js';
import { pageButtons, UnmappedButtonError, unmappedProblem } from './buttons/button-map.js';
import { buttonProblem } from './buttons/button-number.js';
import { createInputs } from './buttons/create-inputs.js';
import { InputHub } from './buttons/input-hub.js';
import { type CancelResult, PressEndpoint, type PressResult, type PressTarget } from './buttons/press-endpoint.js';
import { ClipCutter } from './clips/clip-cutter.js';
import { type ClipEncoder, WavEncoder } from './clips/clip-encoder.js';
import { ClipJournal } from './clips/clip-journal.js';
import { ClipPipeline } from './clips/clip-pipeline.js';
import { OpusEncoder } from './clips/opus-encoder.js';
import { type DeviceConfig, windowFor } from './config/device-config.js';
import { CredentialsFile, mqttLogin } from './config/credentials-file.js';
import { cancelWithinMs, micSilentMs, outboxQuotaBytes, uplinkTimings } from './config/device-units.js';
import { applyRemoteConfig } from './config/remote-config.js';
import { createFeedback } from './feedback/create-feedback.js';
import type { Feedback } from './feedback/feedback.js';
import { Outbox } from './outbox/outbox.js';
import { Uplink } from './uplink/uplink.js';
import { VERSION } from './version.js';

/**
 * The device, wired: source -> capture (ring buffer + timeline) -> cutter -> pipeline (journal,
 * encoder) -> outbox -> uplink; the press endpoint and the physical inputs feed the cutter, and
 * the feedback light shows staff what happened.
 */
export class DeviceDaemon implements PressTarget {
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
  private pressesRefused = 0;
  private pressesUnmapped = 0;
  private lastPressAt: string | null = null;
  private readonly startedAt = Date.now();
  private readonly inputs: InputHub;
  private readonly arduinos: ReturnType<typeof createInputs>['arduinos'];
  private feedback: Feedback | undefined;
  private lastAudioAt: number;

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
      channels: this.format.channels,
      micDeadSeconds: config.audio.micDeadSeconds,
      clock,
    });
    this.source = createSource(config, this.format, clock, logger);
    this.outbox = new Outbox(join(config.stateDir, 'outbox'), logger.child({ component: 'outbox' }), {
      quotaBytes: outboxQuotaBytes(config),
    });
    const clipsLogger = logger.child({ component: 'clips' });
    this.journal = new ClipJournal(join(config.stateDir, 'recording'), bytesPerFrame(this.format), 1000, clipsLogger);
    this.pipeline = new ClipPipeline({
      format: this.format,
      encoder: this.createEncoder(),
      journal: this.journal,
      outbox: this.outbox,
      captureSession: this.captureSession,
      clockSync: () => this.clockSync.current,
      cancelWithinMs: cancelWithinMs(config),
      clock,
      logger: clipsLogger,
      onStored: (clipId) => this.uplink.kick(clipId),
    });
    this.cutter = new ClipCutter(this.capture, this.format.sampleRate, clock, this.pipeline);
    // Enrolled credentials win over any in the config file.
    const credentialsFile = new CredentialsFile(config.stateDir);
    const login = mqttLogin(config);
    const username = login.username;
    this.uplink = new Uplink({
      url: config.mqtt.url,
      deviceId: config.deviceId,
      topics: new Topics(config.mqtt.root),
      username,
      password: login.password,
      previousPassword: login.previousPassword,
      chunkBytes: config.mqtt.chunkBytes,
      inflight: config.mqtt.inflight,
      publishesPerSecond: config.mqtt.publishesPerSecond,
      ...uplinkTimings(config.mqtt),
      ca: config.mqtt.caFile === undefined ? undefined : readFileSync(config.mqtt.caFile),
      finRounds: 3,
      version: VERSION,
      outbox: this.outbox,
      logger: logger.child({ component: 'uplink' }),
      heartbeat: () => this.heartbeat(),
      applyConfig: async (remote) => this.applyRemoteConfig(remote),
      storePassword: async (password, previousPassword) => {
        if (username === undefined) throw new Error('no MQTT username configured or enrolled');
        await credentialsFile.write({ deviceId: config.deviceId, username, password, previousPassword });
      },
      // A technician's test press takes the same path as a physical button.
      press: (button) => {
        const problem = buttonProblem(button, this.buttons);
        if (problem !== undefined) throw new Error(problem);
        return this.press(button, 'remote test').clipId;
      },
      onDelivered: (clipId) => {
        this.pipeline.delivered(clipId);
        this.feedback?.signal('delivered');
      },
    });
    this.endpoint = new PressEndpoint(
      this,
      logger.child({ component: 'http' }),
      pageButtons(this.config),
      // The name it is bound to (what `earshot-device press` calls) is always allowed.
      [config.http.host, ...config.http.allowedHosts],
      config.http.language,
    );
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

  get buttons(): number {
    return this.config.clips.buttons;
  }

  async start(): Promise<{ httpPort: number }> {
    const { http, stateDir } = this.config;
    // Every clip passes through the state directory: one that cannot be written fails now, by name.
    await ensureWritableDir('the state directory', stateDir, 'stateDir');
    await this.outbox.open();
    await this.journal.open();
    // Inputs and the press endpoint first: one that cannot work (no GPIO tools, a port taken)
    // fails the start before the recorder or the uplink runs.
    await this.inputs.start();
    let address: AddressInfo;
    try {
      address = await this.endpoint.listen(http.host, http.port);
    } catch (error) {
      await this.inputs.stop();
      throw explainListenError(
        { what: 'the press endpoint (HTTP)', host: http.host, port: http.port, portKey: 'http.port' },
        error,
      );
    }
    this.clockSync.start();
    this.source.start(this.capture);
    // In the background: capture must not wait for last run's clips to be encoded.
    this.pipeline.recover().catch((error: unknown) => this.logger.error({ err: error }, 'recovery failed'));
    this.uplink.start();
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
    this.clockSync.stop();
    await this.pipeline.close();
    await this.uplink.stop();
  }

  /**
   * Cuts the clip of a press, from any input. A button the map leaves out is refused here, before
   * any audio is cut: a customer's voice leaves the device only for a question.
   */
  press(button: number, input: string): PressResult {
    const unmapped = unmappedProblem(this.config, button);
    if (unmapped !== undefined) {
      // Not pressesRefused: that one tells the server the microphone has failed staff.
      this.pressesUnmapped++;
      this.feedback?.signal('refused');
      this.logger.warn({ button, input }, 'press refused: the button answers no question');
      throw new UnmappedButtonError(unmapped);
    }
    const clipId = ulid();
    let clip;
    try {
      clip = this.cutter.press({ clipId, button, ...windowFor(this.config, button) });
    } catch (error) {
      this.pressesRefused++;
      this.feedback?.signal('refused');
      throw error;
    }
    this.presses++;
    this.lastPressAt = new Date(this.clock.wallMs()).toISOString();
    this.feedback?.signal('captured');
    this.logger.info({ clipId, button, input, truncated: clip.window.truncated }, 'press');
    return {
      clipId,
      startAt: new Date(clip.startAtMs).toISOString(),
      endAt: new Date(clip.endAtMs).toISOString(),
      truncated: clip.window.truncated,
    };
  }

  /** The cancel gesture: voids the newest clip still recording or not yet delivered. */
  cancelLast(input: string): CancelResult {
    const cancelled = this.pipeline.cancelLast();
    if (cancelled) this.cutter.cancel(cancelled.clipId);
    const result: CancelResult = cancelled
      ? { cancelled: true, clipId: cancelled.clipId }
      : { cancelled: false, reason: 'no recent clip to cancel' };
    this.logger.info({ input, ...result }, 'cancel');
    this.feedback?.signal(result.cancelled ? 'cancelled' : 'refused');
    return result;
  }

  /** Why systemd should restart the daemon (see serveUntilSignal), or undefined. */
  unwell(): string | undefined {
    return this.source.unsupervised();
  }

  /** What staff should know is wrong, for the problem light and the status page. */
  problems(): string[] {
    const found: string[] = [];
    if (!this.uplink.connected) found.push('no connection to the server: clips wait on the device');
    const silentMs = this.clock.monotonicMs() - this.lastAudioAt;
    if (silentMs > micSilentMs(this.config)) {
      found.push(`no audio from the microphone for ${Math.round(silentMs / 1000)} s`);
    } else if (this.capture.health.report().state === 'dead') {
      found.push('the microphone hears only digital silence');
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
      pressesRefused: this.pressesRefused,
      pressesUnmapped: this.pressesUnmapped,
      pendingClips: this.cutter.pendingCount,
      bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
      mic: {
        ...this.capture.health.report(),
        recorderRestarts: this.source.restarts,
        lastFailure: this.source.lastFailure ?? null,
      },
      clock: this.clockSync.current,
      buttons: this.inputs.status(),
      problems: this.problems(),
      outbox: this.outbox.usage(),
      configVersion: this.uplink.configVersion,
    };
  }

  private applyRemoteConfig(remote: RemoteConfig): void {
    this.config = applyRemoteConfig(this.config, remote);
    this.endpoint.setButtons(pageButtons(this.config));
  }

  private async heartbeat(): Promise<Omit<DeviceHeartbeat, 'at' | 'version' | 'configVersion'>> {
    let freeBytes: number | null = null;
    try {
      const fs = await statfs(this.config.stateDir);
      freeBytes = fs.bavail * fs.bsize;
    } catch (error) {
      this.logger.warn({ err: error }, 'free disk space unknown');
    }
    const mic = this.capture.health.report();
    return {
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      mic: {
        state: mic.state,
        bufferedSeconds: (this.capture.ring.endFrame - this.capture.ring.startFrame) / this.format.sampleRate,
        rmsDbfs: mic.rmsDbfs,
        clippedRatio: mic.clippedRatio,
        silentSeconds: mic.silentSeconds,
        recorderRestarts: this.source.restarts,
      },
      outbox: this.outbox.usage(),
      disk: { freeBytes },
      clock: this.clockSync.current,
      buttons: this.inputs.conditions(),
      lastPressAt: this.lastPressAt,
      pressesRefused: this.pressesRefused,
      clips: {
        preSeconds: this.config.clips.preSeconds,
        postSeconds: this.config.clips.postSeconds,
        buttons: this.config.clips.buttons,
      },
    };
  }

  private createEncoder(): ClipEncoder {
    const { format, opusBitrateKbps } = this.config.clips;
    return format === 'opus' ? new OpusEncoder({ bitrateKbps: opusBitrateKbps }) : new WavEncoder();
  }
}
