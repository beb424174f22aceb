/**
 * The trained forecasting models and backtests in SQLite: the ONNX bytes, each series' scale and
 * the training metadata, and each backtest's result with its error spread. The newest of each is
 * the one used; older rows stay as the record of what forecasts were made with.
 */
import type { SqliteDatabase } from '../store/database.ts';
import type { BacktestResult } from './backtest.ts';
import type { ErrorSpread } from './backtest-task.ts';
import type { ModelMetadata, TrainedModel } from './training-task.ts';

export interface StoredModel extends TrainedModel {
  readonly id: number;
  readonly trainedAt: number;
}

export interface StoredBacktest {
  readonly id: number;
  readonly madeAt: number;
  readonly result: BacktestResult;
  readonly spread: ErrorSpread;
}

interface ModelRow { id: number; trained_at: number; onnx: Buffer; metadata: string; scales: string }
interface BacktestRow { id: number; made_at: number; result: string; error_spread: string }

export class ModelStore {
  constructor(private readonly db: SqliteDatabase) {}

  saveModel(model: TrainedModel, trainedAt: number, jobId: number | null): StoredModel {
    const id = Number(this.db
      .prepare('INSERT INTO forecast_model (trained_at, job_id, onnx, metadata, scales) VALUES (?, ?, ?, ?, ?)')
      .run(trainedAt, jobId, Buffer.from(model.onnx), JSON.stringify(model.metadata), JSON.stringify(model.scales)).lastInsertRowid);
    return { ...model, id, trainedAt };
  }

  /** The model forecasts use: the newest. */
  latestModel(): StoredModel | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_model ORDER BY id DESC LIMIT 1').get() as ModelRow | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      trainedAt: row.trained_at,
      onnx: new Uint8Array(row.onnx.buffer, row.onnx.byteOffset, row.onnx.byteLength),
      metadata: JSON.parse(row.metadata) as ModelMetadata,
      scales: JSON.parse(row.scales) as Record<string, number>,
    };
  }

  saveBacktest(result: BacktestResult, spread: ErrorSpread, madeAt: number, jobId: number | null): StoredBacktest {
    const id = Number(this.db
      .prepare('INSERT INTO forecast_backtest (made_at, job_id, result, error_spread) VALUES (?, ?, ?, ?)')
      .run(madeAt, jobId, JSON.stringify(result), JSON.stringify(spread)).lastInsertRowid);
    return { id, madeAt, result, spread };
  }

  latestBacktest(): StoredBacktest | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_backtest ORDER BY id DESC LIMIT 1').get() as BacktestRow | undefined;
    if (row === undefined) return undefined;
    return { id: row.id, madeAt: row.made_at, result: JSON.parse(row.result) as BacktestResult, spread: JSON.parse(row.error_spread) as ErrorSpread };
  }
}
