import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Logger } from '@earshot/shared/log';
import type { PressLog } from './press-log.js';
import type { ImportProgress, ImportResult, RecordingImporter } from './recording-importer.js';
import { withoutServerPaths } from './registered-device.js';

export interface ImportRun {
  id: string;
  deviceId: string;
  state: 'running' | 'done' | 'failed';
  progress: ImportProgress;
  result?: ImportResult;
  error?: string;
  startedAt: string;
}

/**
 * Imports started through the API, run one after another in the background, their progress kept
 * in memory. A restart forgets the runs, not the clips: those already filed stay, and uploading
 * the same recording and log again files only what is missing.
 */
export class ImportRuns {
  private readonly runs = new Map<string, ImportRun>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly importer: RecordingImporter,
    private readonly logger: Logger,
  ) {}

  /** Starts importing `recordingPath` (a temporary file this takes over and removes). */
  start(recordingPath: string, log: PressLog, deviceId: string): ImportRun {
    const run: ImportRun = {
      id: randomUUID(),
      deviceId,
      state: 'running',
      progress: { phase: 'decoding', fraction: 0, clipsFiled: 0, clipsTotal: log.presses.length },
      startedAt: new Date().toISOString(),
    };
    this.runs.set(run.id, run);
    this.tail = this.tail.then(async () => {
      try {
        run.result = await this.importer.import(recordingPath, log, deviceId, (p) => (run.progress = p));
        run.state = 'done';
      } catch (error) {
        run.state = 'failed';
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn({ importId: run.id, error: message }, 'import failed');
        run.error = withoutServerPaths(message, recordingPath);
      } finally {
        await rm(recordingPath, { force: true });
      }
    });
    return run;
  }

  /** Refuses (UnregisteredDeviceError) an import for a device the server does not know. */
  checkDevice(deviceId: string): Promise<void> {
    return this.importer.checkDevice(deviceId);
  }

  get(id: string): ImportRun | undefined {
    return this.runs.get(id);
  }

  /** Resolves when every import started so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
