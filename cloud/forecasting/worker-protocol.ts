/** The messages between the forecasting service and its worker thread (training-worker.ts). */
import type { BacktestSeries } from './backtest.ts';
import type { BacktestOutcome, BacktestProgressReport, BacktestSettings } from './backtest-task.ts';
import type { DailySeries } from './forecast-windows.ts';
import type { TrainedModel, TrainSettings } from './training-task.ts';

export type WorkerRequest =
  | { readonly kind: 'train'; readonly series: DailySeries[]; readonly settings: TrainSettings }
  | { readonly kind: 'backtest'; readonly series: BacktestSeries[]; readonly settings: BacktestSettings };

export type WorkerReply =
  | { type: 'epoch'; epoch: number; maxEpochs: number; trainingLoss: number; validationLoss: number }
  | ({ type: 'fold' } & BacktestProgressReport)
  | { type: 'trained'; model: TrainedModel }
  | { type: 'backtested'; outcome: BacktestOutcome }
  | { type: 'error'; message: string };
