import { UsageError } from './finish.js';

/** A subcommand: parses its own arguments, returns the exit code. */
export type Command = (args: string[]) => Promise<number>;

export interface CommandTable {
  commands: Record<string, Command>;
  /** The command run when none is named (`earshot-server --config FILE` runs the server). */
  fallback: string;
  usage: string;
  version: string;
  /** Options that take a value and may come before the command: `--config FILE press 1`. */
  valueOptions?: string[];
}

/**
 * Runs the command named in `argv`: the first word that is neither an option nor an option's
 * value, so options may come before or after it. `--help` and `--version` alone answer at once.
 */
export async function runCommand(argv: string[], table: CommandTable): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(`${table.usage}\n`);
    return 0;
  }
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${table.version}\n`);
    return 0;
  }
  const valueOptions = new Set(table.valueOptions ?? ['--config', '-c']);
  let at = -1;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (valueOptions.has(word)) i++;
    else if (!word.startsWith('-')) {
      at = i;
      break;
    }
  }
  const name = at === -1 ? table.fallback : (argv[at] as string);
  const command = table.commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command(at === -1 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)]);
}
