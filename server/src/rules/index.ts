// Every audit rule, one file each. Adding a rule: write the file, list it here, add fixtures in
// test/fixtures/rules/ (one where it fires, one where it does not).

import { clientIdleTimeoutDisabled } from './client-idle-timeout-disabled';
import { RULES_A } from './list-a';
import { RULES_B } from './list-b';
import { RULES_C } from './list-c';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [clientIdleTimeoutDisabled, ...RULES_A, ...RULES_B, ...RULES_C];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
