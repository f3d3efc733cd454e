// Rules being written in parallel; merged into ./index.ts when done.
import type { Rule } from './rule';

export const RULES_B: Rule[] = [];
