// Run records as text for a terminal: single-CPU records as the experiment table, machine
// records (several CPUs, a scenario) as the machine table.
import type { ExecutionTier } from '../exec/index.ts';
import type { ExperimentRunRecord } from '../experiment/index.ts';
import type { MachineRunRecord } from '../machine/index.ts';
import type { RunRecord } from '../results/document.ts';
import { formatExperimentText } from './experiment-text.ts';
import { formatMachineText } from './machine-text.ts';

export { formatExperimentText, formatMachineText };

const isMachineRecord = (r: RunRecord): r is MachineRunRecord => typeof r.machine === 'object' && r.machine !== null;

export function formatRunsText(records: readonly RunRecord[], opts: { tier?: ExecutionTier } = {}): string {
  if (records.length > 0 && records.every(isMachineRecord)) return formatMachineText(records, opts);
  return formatExperimentText(records as readonly ExperimentRunRecord[], opts);
}
