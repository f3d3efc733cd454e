// npm run depcheck: dependency-cruiser with .dependency-cruiser.cjs over server/src and client/src.
// Through its API, not its `depcruise` command: that refuses to start on Node.js 20, which the
// project supports and CI runs; the API works there.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ruleSet = await extractDepcruiseConfig('./.dependency-cruiser.cjs');
const result = await cruise(
  process.argv.length > 2 ? process.argv.slice(2) : ['server/src', 'client/src'],
  { ...ruleSet.options, ruleSet, validate: true, outputType: 'err' },
  {},
  { tsConfig: extractTSConfig(ruleSet.options.tsConfig.fileName) },
);
process.stdout.write(result.output);
process.exitCode = result.exitCode === 0 ? 0 : 1;
