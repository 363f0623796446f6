// The multi-CPU machine's public surface.
export { runMachine, type MachineOptions, type MachineResult, type MachineStrategyResult, type MachineWorkload, type FailureTrace, type Verdict } from './run-machine.ts';
export { parseScenario, readScenarioFile, SCENARIO_DEFAULTS, SCENARIO_SCHEMA, type Scenario } from './scenario.ts';
export { machineRunRecord, machineRunRecords, type MachineRecordDetails, type MachineRecordSpec, type MachineRunRecord } from './run-records.ts';
