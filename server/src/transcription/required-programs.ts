import { EX_UNAVAILABLE, StartupFailure } from '@earshot/shared/cli';
import which from 'which';
import type { ServerConfig } from '../config/server-config.js';

/** A program an engine runs, where it comes from, and the setting that names it. */
interface RequiredProgram {
  engine: string;
  command: string;
  debianPackage: string;
  key: string | undefined;
}

/**
 * The programs the configured engines run: every engine decodes clips with opusdec and sox;
 * pocketsphinx is itself a program. Found missing at start-up, not at the first clip hours later.
 */
export function requiredPrograms(config: ServerConfig['transcription']): RequiredProgram[] {
  const programs: RequiredProgram[] = [];
  for (const [engine, settings] of Object.entries(config.engines)) {
    if (settings.type === 'pocketsphinx') {
      programs.push({
        engine,
        command: settings.command ?? 'pocketsphinx_continuous',
        debianPackage: 'pocketsphinx',
        key: `transcription.engines.${engine}.command`,
      });
    }
    programs.push({ engine, command: 'opusdec', debianPackage: 'opus-tools', key: undefined });
    programs.push({ engine, command: 'sox', debianPackage: 'sox', key: undefined });
  }
  return programs;
}

/** Throws for the first program that is not on PATH (or not executable where it is named). */
export async function checkPrograms(programs: RequiredProgram[]): Promise<void> {
  for (const program of programs) {
    if ((await which(program.command, { nothrow: true })) !== null) continue;
    const fix = program.key === undefined ? '' : `, or set ${program.key}`;
    throw new StartupFailure(
      `transcription engine "${program.engine}" needs ${program.command}, which is not installed or not on PATH (apt install ${program.debianPackage}${fix}; or set transcription.enabled to false where no worker should run)`,
      EX_UNAVAILABLE,
    );
  }
}
