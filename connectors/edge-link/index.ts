export * from './edge-link-messages.ts';
export * from './rules-apply.ts';
export * from './master-data-sync.ts';
