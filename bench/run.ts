/**
 * `npm run bench`: every benchmark, measured in one run, printed as the markdown tables the
 * README quotes. Each module also runs alone (node --import tsx bench/<name>.ts).
 */
import { consumerTable, runConsumerBench } from './consumer';
import { fleetBenchTable, runFleetBench, runThrottleBench, throttleBenchTable } from './fleet';
import { listingTable, runListingBench } from './listing';
import { keyReadTable, runKeyReadBench, runSynthBench, synthTable } from './synth';

async function main(): Promise<void> {
  const started = new Date();
  console.log(`# cdktf-dcs-bigkey benchmarks (${started.toISOString()}, node ${process.version}, ${require('node:os').cpus().length} cores)\n`);
  console.log('## Listing all tasks of one instance\n');
  console.log(listingTable(await runListingBench()) + '\n');
  console.log('## Synth as users run it: a plain-JS app requiring the packed package\n');
  console.log(consumerTable(await runConsumerBench()) + '\n');
  console.log('## Synth-time lookups: a TypeScript app under tsx\n');
  console.log(synthTable(await runSynthBench()) + '\n');
  console.log('## Reading the keys at synth: the extra request\n');
  console.log(keyReadTable(await runKeyReadBench()) + '\n');
  console.log('## Fleet gate\n');
  console.log(fleetBenchTable(await runFleetBench()) + '\n');
  console.log('## Throttling\n');
  console.log(throttleBenchTable(await runThrottleBench()) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
