/**
 * The `masterdata.sync` command (connectors/edge-link/master-data-sync.ts): one chunk of changes
 * applied to the master-data cache, acknowledged with `{ version, applied }`, or refused with
 * VERSION_GAP (the message names the version held, so the cloud resends from there) or BAD_ARGS
 * with every problem's path (`args.changes[3].value.expiry`), nothing changed.
 */
import { CommandError, type CommandHandler } from '../commands/command-channel.ts';
import { describeProblems, type MasterDataCache } from './master-data-cache.ts';

export function masterDataSyncHandler(cache: Pick<MasterDataCache, 'applySync'>): CommandHandler {
  return async (args) => {
    const outcome = cache.applySync(args);
    if (outcome.ok) return outcome.result;
    if (!outcome.problems) throw new CommandError(outcome.code, outcome.message);
    // Paths as every other command's BAD_ARGS: from the command, so `args.` first.
    const problems = outcome.problems.map((p) => ({ path: p.path ? `args.${p.path}` : 'args', message: p.message }));
    throw new CommandError(outcome.code, describeProblems(problems), problems);
  };
}
