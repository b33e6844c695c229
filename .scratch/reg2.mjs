import { register } from 'node:module';
register('./hooks2.mjs', import.meta.url);
