import type { TranscriptionEngine } from './transcript.js';

/**
 * Picks an engine by language: the exact tag ("ru-RU"), then its primary subtag ("ru"), then
 * "*". Stores say their language; the configuration says which engine hears it.
 */
export class EngineRouter {
  constructor(
    private readonly engines: ReadonlyMap<string, TranscriptionEngine>,
    private readonly routes: Readonly<Record<string, string>>,
  ) {}

  engineFor(language: string): TranscriptionEngine | undefined {
    const primary = language.split('-')[0] ?? language;
    const name = this.routes[language] ?? this.routes[primary] ?? this.routes['*'];
    return name === undefined ? undefined : this.engines.get(name);
  }
}
