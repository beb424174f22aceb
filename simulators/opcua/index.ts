export {
  startOpcuaSimulator, simulatorUser, weldNodeId, resourcePath,
  type OpcuaSimulator, type OpcuaSimulatorOptions, type GunSnapshot, type SimulatorSecurityMode,
} from './weld-cell-server.ts';
export { createWeldScenario, nominalCurrentKa, seededRandom, weldGunNames, type WeldGunName, type WeldGunState, type WeldScenario } from './weld-scenario.ts';
