#!/usr/bin/env node
// The `edgestock` command. TypeScript runs through tsx's loader, so there is no build step
// between editing a file and running it on a gateway.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
