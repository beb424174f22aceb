/**
 * The weld cell's plant behaviour, free of any protocol: three spot-weld guns, each weld
 * increments the gun's counter, the weld current follows the sheet thickness with some noise,
 * and the electrode cap is changed after `capLifeWelds` welds (a new cap id, wear restarts).
 */

export interface WeldGunState {
  name: string;
  weldCount: number;
  electrodeCapId: string;
  /** Welds made with the current cap. */
  capWelds: number;
  capLifeWelds: number;
  sheetThicknessMm: number;
  weldCurrentKa: number;
  enabled: boolean;
}

export interface WeldScenario {
  readonly guns: readonly WeldGunState[];
  /** One weld on every enabled gun. */
  step(): void;
}

export const weldGunNames = ['G1', 'G2', 'G3'] as const;
export type WeldGunName = (typeof weldGunNames)[number];

/** Deterministic noise so a scenario replays the same way (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rule of thumb for mild steel spot welds: about 8 kA plus 2 kA per mm of sheet. */
export function nominalCurrentKa(sheetThicknessMm: number): number {
  return 8 + 2 * sheetThicknessMm;
}

const capId = (gun: string, serial: number) => `CAP-${gun}-${String(serial).padStart(4, '0')}`;

export function createWeldScenario(opts: { seed?: number; capLifeWelds?: number } = {}): WeldScenario {
  const random = seededRandom(opts.seed ?? 1);
  const capSerials = new Map<string, number>();
  const guns: WeldGunState[] = weldGunNames.map((name, i) => {
    // G1 welds 1.8 mm sheet: the electrode-cap rule of the demo library (1247 welds on >= 1.8 mm) fires for it.
    const sheetThicknessMm = [1.8, 1.5, 2.0][i]!;
    capSerials.set(name, 1);
    return {
      name,
      weldCount: 1200 + 10 * i,
      electrodeCapId: capId(name, 1),
      capWelds: 0,
      capLifeWelds: opts.capLifeWelds ?? 250,
      sheetThicknessMm,
      weldCurrentKa: nominalCurrentKa(sheetThicknessMm),
      enabled: true,
    };
  });
  return {
    guns,
    step() {
      for (const gun of guns) {
        if (!gun.enabled) continue;
        gun.weldCount = (gun.weldCount + 1) >>> 0;
        gun.capWelds += 1;
        // A worn cap flattens and needs more current for the same nugget: +0.5 kA at end of life.
        const wear = gun.capWelds / Math.max(1, gun.capLifeWelds);
        gun.weldCurrentKa = Math.round((nominalCurrentKa(gun.sheetThicknessMm) + 0.5 * wear + (random() - 0.5) * 0.4) * 1000) / 1000;
        if (gun.capWelds >= gun.capLifeWelds) {
          const serial = capSerials.get(gun.name)! + 1;
          capSerials.set(gun.name, serial);
          gun.electrodeCapId = capId(gun.name, serial);
          gun.capWelds = 0;
        }
      }
    },
  };
}
