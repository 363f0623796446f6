#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the bin registers the loader first.
import { register } from 'tsx/esm/api';
register();
await import('./main.ts');
