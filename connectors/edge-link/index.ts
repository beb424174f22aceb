export * from './edge-link-messages.ts';
