export { startS7Simulator, type S7Simulator, type S7SimulatorOptions, type S7SimulatorSnapshot } from './s7-simulator.ts';
export {
  immDbNumber, furnaceDbNumber, machineCount, machineBytes, machineOffsets, furnaceOffsets, machineStates,
  type MachineSnapshot, type FurnaceSnapshot,
} from './plant-dbs.ts';
