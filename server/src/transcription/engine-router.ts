import type { TargetedRecogniser } from '../answers/answer.js';
import type { TranscriptionEngine } from './transcript.js';
import { primaryLanguage } from './language-tag.js';

/**
 * Picks an engine by language: the exact tag ("ru-RU"), then its primary subtag ("ru"), then
 * "*". Stores say their language; the configuration says which engine hears it.
 */
export class EngineRouter {
  constructor(
    private readonly engines: ReadonlyMap<string, TranscriptionEngine>,
    private readonly routes: Readonly<Record<string, string>>,
    /** Each engine's targeted re-recogniser of answer windows, by engine name (not every engine has one). */
    private readonly targeted: ReadonlyMap<string, TargetedRecogniser> = new Map(),
  ) {}

  engineFor(language: string): TranscriptionEngine | undefined {
    const name = this.nameFor(language);
    return name === undefined ? undefined : this.engines.get(name);
  }

  /** The targeted recogniser of the engine that hears `language`: the window goes to the same engine. */
  targetedFor(language: string): TargetedRecogniser | undefined {
    const name = this.nameFor(language);
    return name === undefined ? undefined : this.targeted.get(name);
  }

  private nameFor(language: string): string | undefined {
    const primary = primaryLanguage(language);
    return this.routes[language] ?? this.routes[primary] ?? this.routes['*'];
  }
}
