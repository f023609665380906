import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import type { ClipMeta } from '@earshot/shared/protocol';
import { wavHeader } from '@earshot/shared/wav';
import type { Database } from '../db/database.js';
import type { ClipIngest } from '../ingest/clip-ingest.js';
import { decodeRecording } from './decode-recording.js';
import type { PressLog } from './press-log.js';
import { assertRegisteredDevice } from './registered-device.js';
import { submitClip } from './submit-clip.js';

export interface ImportProgress {
  phase: 'decoding' | 'cutting' | 'done';
  /** 0..1 within the phase. */
  fraction: number;
  clipsFiled: number;
  clipsTotal: number;
}

export interface ImportedClip {
  clipId: string;
  button: number;
  pressedAt: string;
  status: 'complete' | 'incomplete' | 'rejected' | 'skipped';
  reason?: string;
}

export interface ImportResult {
  durationMs: number;
  sampleRate: number;
  channels: number;
  clips: ImportedClip[];
}

export interface RecordingImporterOptions {
  db: Database;
  ingest: ClipIngest;
  /** The same windows a device cuts: this much before the press and after it. */
  preMs: number;
  postMs: number;
  logger: Logger;
}

/**
 * Files the presses of a long recording (a dictaphone, a PBX call) as clips. Each press gets the
 * window a device would have cut, [press − pre, press + post), clipped to the recording and then
 * marked truncated; the channels stay as recorded. Clips go through the device ingest path, so
 * they are checked, stored, mapped to their question and queued like any other, and are marked
 * `source = import`. Clip ids derive from the device, recording start and press, so importing the
 * same log again files nothing twice.
 */
export class RecordingImporter {
  constructor(private readonly options: RecordingImporterOptions) {}

  /** Refuses (UnregisteredDeviceError) before any upload is taken over. */
  async checkDevice(deviceId: string): Promise<void> {
    await assertRegisteredDevice(this.options.db, deviceId);
  }

  async import(
    recordingPath: string,
    log: PressLog,
    deviceId: string,
    onProgress: (progress: ImportProgress) => void = () => undefined,
  ): Promise<ImportResult> {
    await assertRegisteredDevice(this.options.db, deviceId);
    const dir = await mkdtemp(join(tmpdir(), 'earshot-import-'));
    const total = log.presses.length;
    try {
      const raw = join(dir, 'recording.raw');
      const format = await decodeRecording(recordingPath, raw, (fraction) =>
        onProgress({ phase: 'decoding', fraction, clipsFiled: 0, clipsTotal: total }),
      );
      const frameBytes = format.channels * 2;
      const frames = Math.floor((await stat(raw)).size / frameBytes);
      const { preMs, postMs } = this.options;
      const pre = Math.round((preMs / 1000) * format.sampleRate);
      const post = Math.round((postMs / 1000) * format.sampleRate);
      const session = `import-${hash(deviceId, log.recordingStart.toISOString()).slice(0, 16)}`;
      const clips: ImportedClip[] = [];
      const file = await open(raw, 'r');
      try {
        for (const [index, press] of log.presses.entries()) {
          const pressFrame = Math.round(
            ((press.at.getTime() - log.recordingStart.getTime()) / 1000) * format.sampleRate,
          );
          const clipId = `imp-${hash(deviceId, log.recordingStart.toISOString(), String(index), press.at.toISOString(), String(press.button)).slice(0, 32)}`;
          const base = { clipId, button: press.button, pressedAt: press.at.toISOString() };
          if (pressFrame < 0 || pressFrame >= frames) {
            clips.push({ ...base, status: 'skipped', reason: 'press outside the recording' });
          } else {
            const startFrame = Math.max(0, pressFrame - pre);
            const endFrame = Math.min(frames, pressFrame + post);
            const pcm = Buffer.alloc((endFrame - startFrame) * frameBytes);
            await file.read(pcm, 0, pcm.length, startFrame * frameBytes);
            const at = (frame: number) =>
              new Date(log.recordingStart.getTime() + (frame / format.sampleRate) * 1000).toISOString();
            const meta: ClipMeta = {
              clipId,
              button: press.button,
              pressedAt: press.at.toISOString(),
              startAt: at(startFrame),
              endAt: at(endFrame),
              startFrame,
              endFrame,
              pressFrame,
              captureSession: session,
              sampleRate: format.sampleRate,
              channels: format.channels,
              container: 'wav',
              codec: 'pcm_s16le',
              durationMs: ((endFrame - startFrame) / format.sampleRate) * 1000,
              truncated: startFrame > pressFrame - pre || endFrame < pressFrame + post,
              gaps: [],
              clock: { synchronized: null },
            };
            const audio = Buffer.concat([
              wavHeader({ sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: 16 }, pcm.length),
              pcm,
            ]);
            const ack = await submitClip(this.options.ingest, deviceId, meta, audio);
            if (ack.status === 'complete') {
              await this.options.db.updateTable('clips').set({ source: 'import' }).where('id', '=', clipId).execute();
            }
            // "busy" (the device's live uploads fill its staging allowance) fails this clip like a rejection.
            const status = ack.status === 'busy' ? 'rejected' : ack.status;
            clips.push({ ...base, status, ...('reason' in ack ? { reason: ack.reason } : {}) });
          }
          onProgress({ phase: 'cutting', fraction: (index + 1) / total, clipsFiled: index + 1, clipsTotal: total });
        }
      } finally {
        await file.close();
      }
      onProgress({ phase: 'done', fraction: 1, clipsFiled: total, clipsTotal: total });
      this.options.logger.info(
        { deviceId, presses: total, filed: clips.filter((c) => c.status === 'complete').length },
        'recording imported',
      );
      return { durationMs: (frames / format.sampleRate) * 1000, ...format, clips };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
