export {
  startShelfSimulator, ambientC, doorWarmingPerStepC,
  type ShelfSimulator, type ShelfSimulatorOptions, type ShelfSnapshot, type SimulatorSnapshot, type ScenarioName,
} from './shelf-simulator.ts';
export { createNormalScenario, seededRandom, isFaultStep, faultShelfIndex, type Scenario, type ShelfReading } from './scenario.ts';
export { createMoteReplayScenario, loadMoteSeries, type MoteSeries } from './mote-replay.ts';
export { alarmBand, registerSpace } from './shelf-registers.ts';
