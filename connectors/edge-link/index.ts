export * from './edge-link-messages.ts';
export * from './rules-apply.ts';
